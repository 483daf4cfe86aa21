/**
 * The business day of an instant, in the outlet's time zone with its business-day start:
 * 01:30 in Jakarta with a 04:00 start still belongs to yesterday. Uses Intl so daylight
 * saving time is handled by the platform's tz database.
 */
import type { BusinessDay } from '../protocol/ids';

export interface BusinessDaySettings {
  timeZone: string;
  businessDayStart: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday 1 (Mon) … 7 (Sun). */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Wall-clock time of `instantMs` in `timeZone`. Throws for an unknown zone. */
export function localTime(instantMs: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday] ?? 0,
  };
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`time ${JSON.stringify(hhmm)} must be HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` one calendar day before `day`. */
export function previousDay(day: string): BusinessDay {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10) as BusinessDay;
}

/** `YYYY-MM-DD` `days` calendar days after `day` (before it when negative). */
export function shiftDay(day: string, days: number): BusinessDay {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10) as BusinessDay;
}

/** `YYYY-MM-DD` one calendar day after `day`. */
export function nextDay(day: string): BusinessDay {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10) as BusinessDay;
}

export function businessDayOf(instantMs: number, settings: BusinessDaySettings): BusinessDay {
  const t = localTime(instantMs, settings.timeZone);
  const today = isoDate(t.year, t.month, t.day);
  return (t.hour * 60 + t.minute < minutesOf(settings.businessDayStart) ? previousDay(today) : today) as BusinessDay;
}

/** Minutes since local midnight, for time windows (happy hour). */
export function localMinutes(instantMs: number, timeZone: string): number {
  const t = localTime(instantMs, timeZone);
  return t.hour * 60 + t.minute;
}
export { minutesOf };
