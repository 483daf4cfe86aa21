/**
 * `foldOrder`: the state every screen shows, as a pure fold of the order's header and its
 * append-only events. Terminals, kitchen displays and the projector agree once they hold
 * the same updates, because Yjs gives every replica the same event order.
 *
 * Rules:
 * - events are deduplicated by id (a duplicated delivery counts once);
 * - kitchen status only moves forward by rank (new < preparing < ready < served); a recall
 *   is the only event that moves it back, to the status it names;
 * - a station's status is the lowest status of its non-voided lines; the order's is the
 *   lowest over its stations;
 * - a voided line gives back its share of the order total (the total spread over lines in
 *   proportion to their net, by largest remainder), pro rata to the voided quantity;
 * - paid = Σ payments; refunded = Σ refunds; balanceDue = max(0, netTotal − paid);
 *   change = what cash tenders handed over beyond what was due.
 */
import type { Minor } from '../protocol/ids';
import { KITCHEN_STATUSES, type KitchenStatus, type OrderEvent, type OrderLine, type OrderTotals, type OrderType } from '../protocol/schemas';
import type { OrderRecord } from '../doc/day-doc';
import { allocate, asMinor, divRound } from './money';
import { unreachable } from '../util/asserts';

export type PaymentEvent = Extract<OrderEvent, { kind: 'payment' }>;
export type RefundEvent = Extract<OrderEvent, { kind: 'refund' }>;
export type VoidEvent = Extract<OrderEvent, { kind: 'void_line' }>;
export type CancelEvent = Extract<OrderEvent, { kind: 'cancel' }>;
export type KitchenEvent = Extract<OrderEvent, { kind: 'station' | 'recall' }>;

export type FoldedLine = OrderLine & { voidedQty: number; status: KitchenStatus };

export interface OrderState {
  id: string;
  businessDay: string;
  number: number | null;
  provisionalRef: string;
  deviceId: string;
  staffId: string | undefined;
  type: OrderType;
  table: string | undefined;
  note: string | undefined;
  createdAt: number;
  lines: FoldedLine[];
  stations: Record<string, KitchenStatus>;
  /** When each station (last) became ready; absent while not ready. */
  stationReadyAt: Record<string, number>;
  kitchenStatus: KitchenStatus;
  totals: OrderTotals;
  voidedAmount: Minor;
  netTotal: Minor;
  paid: Minor;
  refunded: Minor;
  balanceDue: Minor;
  change: Minor;
  cancelled: boolean;
  status: 'open' | 'paid' | 'cancelled';
  payments: PaymentEvent[];
  refunds: RefundEvent[];
  voids: VoidEvent[];
  kitchenEvents: KitchenEvent[];
  cancel: CancelEvent | undefined;
}

export const kitchenRank = (status: KitchenStatus): number => KITCHEN_STATUSES.indexOf(status);
const lowest = (statuses: KitchenStatus[]): KitchenStatus =>
  statuses.reduce<KitchenStatus>((min, s) => (kitchenRank(s) < kitchenRank(min) ? s : min), 'served');

export function foldOrder(record: OrderRecord): OrderState {
  const { header } = record;
  const seen = new Set<string>();
  const events = record.events.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));

  const lineStatus = new Map<string, KitchenStatus>(header.lines.map((l) => [l.id, 'new']));
  const voided = new Map<string, number>();
  const payments: PaymentEvent[] = [];
  const refunds: RefundEvent[] = [];
  const voids: VoidEvent[] = [];
  const kitchenEvents: KitchenEvent[] = [];
  let cancel: CancelEvent | undefined;
  const stationReadyAt: Record<string, number> = {};

  const stationsOf = () => [...new Set(header.lines.map((l) => l.station))];
  const stationStatus = (station: string): KitchenStatus => {
    const lines = header.lines.filter((l) => l.station === station);
    const live = lines.filter((l) => (voided.get(l.id) ?? 0) < l.qty);
    return lowest((live.length ? live : lines).map((l) => lineStatus.get(l.id) ?? 'new'));
  };

  for (const event of events) {
    switch (event.kind) {
      case 'payment':
        payments.push(event);
        break;
      case 'refund':
        refunds.push(event);
        break;
      case 'void_line': {
        const line = header.lines.find((l) => l.id === event.lineId);
        if (!line) break;
        voids.push(event);
        voided.set(line.id, Math.min(line.qty, (voided.get(line.id) ?? 0) + event.qty));
        break;
      }
      case 'cancel':
        cancel ??= event;
        break;
      case 'station':
      case 'recall': {
        kitchenEvents.push(event);
        const targets = header.lines.filter((l) => l.station === event.station && (event.lineId === undefined || l.id === event.lineId));
        for (const line of targets) {
          const current = lineStatus.get(line.id) ?? 'new';
          if (event.kind === 'recall' || kitchenRank(event.status) > kitchenRank(current)) lineStatus.set(line.id, event.status);
        }
        const now = stationStatus(event.station);
        if (kitchenRank(now) >= kitchenRank('ready')) stationReadyAt[event.station] ??= event.at;
        else delete stationReadyAt[event.station];
        break;
      }
      default:
        unreachable(event, 'order event');
    }
  }

  const stations = Object.fromEntries(stationsOf().map((s) => [s, stationStatus(s)])) as Record<string, KitchenStatus>;
  const liveStations = stationsOf().filter((s) => header.lines.some((l) => l.station === s && (voided.get(l.id) ?? 0) < l.qty));
  const kitchenStatus = lowest((liveStations.length ? liveStations : stationsOf()).map((s) => stations[s]));

  const shares = allocate(
    header.totals.total,
    header.lines.map((l) => l.gross - l.discount),
  );
  const voidedAmount = header.lines.reduce((sum, line, i) => sum + divRound(shares[i] * (voided.get(line.id) ?? 0), line.qty), 0);
  const netTotal = header.totals.total - voidedAmount;
  const paid = payments.reduce((s, p) => s + p.amount, 0);
  const refunded = refunds.reduce((s, r) => s + r.amount, 0);
  const balanceDue = Math.max(0, netTotal - paid);
  const change = payments.filter((p) => p.method === 'cash' && p.tendered !== undefined).reduce((s, p) => s + Math.max(0, (p.tendered ?? 0) - p.amount), 0);
  const cancelled = cancel !== undefined;

  return {
    id: header.id,
    businessDay: header.businessDay,
    number: record.number,
    provisionalRef: header.provisionalRef,
    deviceId: header.deviceId,
    staffId: header.staffId,
    type: header.type,
    table: header.table,
    note: header.note,
    createdAt: header.createdAt,
    lines: header.lines.map((l) => ({ ...l, voidedQty: voided.get(l.id) ?? 0, status: lineStatus.get(l.id) ?? 'new' })),
    stations,
    stationReadyAt,
    kitchenStatus,
    totals: header.totals,
    voidedAmount: asMinor(voidedAmount),
    netTotal: asMinor(netTotal),
    paid: asMinor(paid),
    refunded: asMinor(refunded),
    balanceDue: asMinor(balanceDue),
    change: asMinor(change),
    cancelled,
    status: cancelled ? 'cancelled' : balanceDue === 0 ? 'paid' : 'open',
    payments,
    refunds,
    voids,
    kitchenEvents,
    cancel,
  };
}
