import { describe, expect, test } from 'vitest';
import { businessDayOf, nextDay, previousDay } from './business-day';

const jakarta = { timeZone: 'Asia/Jakarta', businessDayStart: '04:00' };
const newYork = { timeZone: 'America/New_York', businessDayStart: '04:00' };
const berlin = { timeZone: 'Europe/Berlin', businessDayStart: '05:00' };
const midnight = { timeZone: 'Asia/Jakarta', businessDayStart: '00:00' };

describe('businessDayOf: the outlet zone and business-day start, never the server clock or UTC', () => {
  test.each([
    ['Jakarta 01:30 (18:30Z previous day) with a 04:00 start belongs to yesterday', '2026-11-21T18:30:00Z', jakarta, '2026-11-21'],
    ['Jakarta 03:59 is still yesterday', '2026-11-21T20:59:00Z', jakarta, '2026-11-21'],
    ['Jakarta 04:00 opens the new day', '2026-11-21T21:00:00Z', jakarta, '2026-11-22'],
    ['Jakarta 23:59 is today although UTC says 16:59', '2026-11-22T16:59:00Z', jakarta, '2026-11-22'],
    ['a 00:00 start: Jakarta 00:30 is today', '2026-11-21T17:30:00Z', midnight, '2026-11-22'],
    ['New York 03:30 EDT before spring-forward day ends belongs to the previous day', '2026-03-08T07:30:00Z', newYork, '2026-03-07'],
    ['New York 04:30 EDT on spring-forward day (08:30Z) is that day', '2026-03-08T08:30:00Z', newYork, '2026-03-08'],
    ['New York fall-back: 01:30 EST (06:30Z, the second 01:30) still yesterday', '2026-11-01T06:30:00Z', newYork, '2026-10-31'],
    ['New York fall-back: 04:00 EST (09:00Z) is the new day', '2026-11-01T09:00:00Z', newYork, '2026-11-01'],
    ['Berlin summer 04:59 CEST (02:59Z) belongs to yesterday with a 05:00 start', '2026-07-15T02:59:00Z', berlin, '2026-07-14'],
    ['Berlin winter 05:00 CET (04:00Z) is today', '2026-01-15T04:00:00Z', berlin, '2026-01-15'],
    ['New year in Jakarta at 02:00 still belongs to 31 December', '2026-12-31T19:00:00Z', jakarta, '2026-12-31'],
  ])('%s', (_name, instant, settings, expected) => {
    expect(businessDayOf(Date.parse(instant), settings)).toBe(expected);
  });

  test('an unknown time zone is an error, not a silent UTC', () => {
    expect(() => businessDayOf(0, { timeZone: 'Mars/Olympus', businessDayStart: '04:00' })).toThrow();
  });

  test('day arithmetic crosses months and leap days', () => {
    expect(previousDay('2028-03-01')).toBe('2028-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});
