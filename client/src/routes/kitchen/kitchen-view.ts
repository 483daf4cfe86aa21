/**
 * What a kitchen display shows, as pure functions over folded orders: the tickets of its
 * stations that are not done, the lines of those stations, all-day counts, age colours.
 */
import type { KitchenStatus, OrderState } from '@kiosk/shared';

const RANK: Record<KitchenStatus, number> = { new: 0, preparing: 1, ready: 2, served: 3 };

export function isOpenStatus(status: KitchenStatus): boolean {
  return RANK[status] < RANK.ready;
}

/** Stations of this order the display handles (all stations when the display has none set). */
export function stationsFor(order: Pick<OrderState, 'stations'>, mine: string[]): string[] {
  const all = Object.keys(order.stations);
  return mine.length === 0 ? all : all.filter((s) => mine.includes(s));
}

export function linesFor<O extends Pick<OrderState, 'lines'>>(order: O, mine: string[]): O['lines'] {
  return order.lines.filter((l) => (mine.length === 0 || mine.includes(l.station)) && l.qty - l.voidedQty > 0) as O['lines'];
}

/** Open tickets for this display, oldest first (the kitchen works in arrival order). */
export function openTickets<O extends OrderState>(orders: O[], mine: string[]): O[] {
  return orders
    .filter((o) => !o.cancelled && linesFor(o, mine).length > 0 && stationsFor(o, mine).some((s) => isOpenStatus(o.stations[s])))
    .sort((a, b) => a.createdAt - b.createdAt);
}

/** Tickets finished at this display, newest first, for recall. */
export function doneTickets<O extends OrderState>(orders: O[], mine: string[], limit = 8): O[] {
  return orders
    .filter((o) => !o.cancelled && linesFor(o, mine).length > 0 && stationsFor(o, mine).every((s) => !isOpenStatus(o.stations[s])))
    .sort((a, b) => readyAt(b, mine) - readyAt(a, mine))
    .slice(0, limit);
}

function readyAt(order: OrderState, mine: string[]): number {
  return Math.max(order.createdAt, ...stationsFor(order, mine).map((s) => order.stationReadyAt[s] ?? 0));
}

/** Items still to make across the open tickets: name → quantity. */
export function allDayCounts(tickets: OrderState[], mine: string[]): Array<{ name: string; qty: number }> {
  const counts = new Map<string, number>();
  for (const order of tickets) {
    for (const line of linesFor(order, mine)) {
      if (!isOpenStatus(line.status)) continue;
      counts.set(line.name, (counts.get(line.name) ?? 0) + line.qty - line.voidedQty);
    }
  }
  return [...counts].map(([name, qty]) => ({ name, qty })).sort((a, b) => b.qty - a.qty || a.name.localeCompare(b.name));
}

export type AgeLevel = 'ok' | 'warn' | 'late';

export function ageLevel(ageSeconds: number, warnSeconds: number, lateSeconds: number): AgeLevel {
  if (ageSeconds >= lateSeconds) return 'late';
  if (ageSeconds >= warnSeconds) return 'warn';
  return 'ok';
}
