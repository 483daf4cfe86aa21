/**
 * A deterministic order stream for tests and the benchmark: a demo outlet and N terminals,
 * each with its own replica of the day documents, submitting orders through `@kiosk/shared`
 * exactly as the POS does. Every order (submission + payment) becomes one update-log row.
 */
import * as Y from 'yjs';
import {
  addPayment,
  DAY,
  businessDayOf,
  dayDocName,
  outletDocName,
  putDevice,
  readOrder,
  readOutlet,
  submitOrder,
  type OutletSnapshot,
  type SubmitOrderInput,
} from '@kiosk/shared';
import { seedDemoOutlet } from '@kiosk/shared/demo';
import { seededRandom } from '@kiosk/shared/testing';
import type { NewUpdate } from '@kiosk/store';

/** Deterministic UUIDv7-shaped id from a time and a counter (tests need stable ids). */
export function testOrderId(ms: number, n: number): string {
  const hex = Math.floor(ms).toString(16).padStart(12, '0').slice(-12);
  const tail = n.toString(16).padStart(15, '0').slice(-15);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${tail.slice(0, 3)}-8${tail.slice(3, 6)}-${tail.slice(6, 15)}000`.slice(0, 36);
}

export interface WorkloadOptions {
  tenant?: string;
  outlet?: string;
  terminals?: number;
  seed?: number;
  /** Lines per order (default 3). */
  lines?: number;
  /** An existing outlet document (update) instead of seeding a new demo outlet. */
  outletState?: Uint8Array;
  /** First order counter (ids stay unique when a writer resumes). */
  firstOrder?: number;
  /**
   * Start a terminal's replica afresh after this many orders (its device sequence carried
   * over). `submitOrder` reads every order of the replica to find the next device sequence, so
   * long streams (benchmarks) would otherwise slow down quadratically.
   */
  rotateEvery?: number;
}

export interface GeneratedOrder extends NewUpdate {
  orderId: string;
  day: string;
}

export class Workload {
  readonly tenant: string;
  readonly outlet: string;
  readonly outletName: string;
  readonly outletDoc: Y.Doc;
  readonly deviceIds: string[];
  private readonly terminalDays: Map<string, Y.Doc>[];
  private readonly random: () => number;
  private readonly lines: number;
  private snapshot: OutletSnapshot;
  private counter = 0;
  private readonly rotateEvery: number;
  private readonly sinceRotation: number[];

  /** A workload on a fresh demo outlet (seeding hashes the demo PINs, hence async). */
  static async create(options: WorkloadOptions = {}): Promise<Workload> {
    const outletDoc = new Y.Doc();
    if (options.outletState) Y.applyUpdate(outletDoc, options.outletState);
    else await seedDemoOutlet(outletDoc);
    return new Workload(options, outletDoc);
  }

  private constructor(options: WorkloadOptions, outletDoc: Y.Doc) {
    this.outletDoc = outletDoc;
    this.tenant = options.tenant ?? 'demo';
    this.outlet = options.outlet ?? 'main';
    this.outletName = outletDocName(this.tenant, this.outlet);
    this.random = seededRandom(options.seed ?? 1);
    this.lines = options.lines ?? 3;
    const terminals = options.terminals ?? 5;
    this.deviceIds = Array.from({ length: terminals }, (_, i) => `T${i + 1}`);
    this.counter = options.firstOrder ?? 0;
    if (!options.outletState) {
      this.deviceIds.forEach((id, i) =>
        putDevice(this.outletDoc, { id, name: `Terminal ${i + 1}`, kind: 'terminal', code: String.fromCharCode(65 + i), stations: [] }),
      );
    }
    this.terminalDays = this.deviceIds.map(() => new Map());
    this.rotateEvery = options.rotateEvery ?? Infinity;
    this.sinceRotation = this.deviceIds.map(() => 0);
    this.snapshot = readOutlet(this.outletDoc);
  }

  /** The outlet document as one update-log row. */
  outletUpdate(): NewUpdate {
    return { docName: this.outletName, update: Y.encodeStateAsUpdate(this.outletDoc), deviceId: 'seed', origin: 'test' };
  }

  get settings() {
    const settings = this.snapshot.settings;
    if (!settings) throw new Error('demo outlet has no settings');
    return settings;
  }

  businessDay(now: number): string {
    return businessDayOf(now, this.settings);
  }

  /** A terminal's replica of a day document (created on first use). */
  dayReplica(terminal: number, day: string): Y.Doc {
    const days = this.terminalDays[terminal];
    let doc = days.get(day);
    if (!doc) days.set(day, (doc = new Y.Doc()));
    return doc;
  }

  /** Random order input: `lines` distinct orderable items, required modifiers chosen. */
  input(terminal: number): SubmitOrderInput {
    const items = this.snapshot.items.filter((i) => i.available);
    const lines: NonNullable<SubmitOrderInput['lines']> = [];
    for (let i = 0; i < this.lines; i++) {
      const item = items[Math.floor(this.random() * items.length)];
      const modifiers: { groupId: string; optionId: string }[] = [];
      for (const groupId of item.modifierGroupIds ?? []) {
        const group = this.snapshot.modifierGroups.find((g) => g.id === groupId);
        if (!group) continue;
        const count = Math.max(group.min, group.required ? 1 : 0, this.random() < 0.3 ? 1 : 0);
        for (const option of group.options.slice(0, Math.min(count, group.max))) modifiers.push({ groupId, optionId: option.id });
      }
      lines.push({ itemId: item.id, qty: 1 + Math.floor(this.random() * 2), modifiers });
    }
    return { deviceId: this.deviceIds[terminal], type: this.random() < 0.5 ? 'takeaway' : 'dine_in', lines };
  }

  /**
   * Terminal `terminal` submits an order made at `now` (device clock) and pays it in full.
   * Returns the update-log row that carries both (what the terminal sends on reconnect).
   */
  order(terminal: number, now: number, options: { pay?: boolean } = {}): GeneratedOrder {
    const day = this.businessDay(now);
    const parts: Uint8Array[] = [];
    if (++this.sinceRotation[terminal] > this.rotateEvery) {
      const old = this.dayReplica(terminal, day);
      const seq = old.getMap(DAY.deviceSeq).get(this.deviceIds[terminal]);
      const fresh = new Y.Doc();
      if (typeof seq === 'number') fresh.getMap(DAY.deviceSeq).set(this.deviceIds[terminal], seq);
      // The carried-over sequence is an edit of its own: it travels with this order, or every
      // later edit of the fresh replica would wait forever for a struct nobody sent.
      parts.push(Y.encodeStateAsUpdate(fresh));
      this.terminalDays[terminal].set(day, fresh);
      this.sinceRotation[terminal] = 1;
    }
    const doc = this.dayReplica(terminal, day);
    const collect = (update: Uint8Array) => parts.push(update);
    doc.on('update', collect);
    let orderId: string;
    try {
      const n = this.counter++;
      ({ id: orderId } = submitOrder(this.outletDoc, doc, this.input(terminal), { now, id: testOrderId(now, n) }));
      if (options.pay !== false) {
        const record = readOrder(doc, orderId)!;
        addPayment(doc, orderId, { method: 'cash', amount: record.header.totals.total, deviceId: this.deviceIds[terminal] }, { now: now + 1 });
      }
    } finally {
      doc.off('update', collect);
    }
    return {
      docName: dayDocName(this.tenant, this.outlet, day),
      update: Y.mergeUpdates(parts),
      deviceId: this.deviceIds[terminal],
      origin: 'test',
      orderId,
      day,
    };
  }

  /** Names of the day documents written so far. */
  dayNames(): string[] {
    const days = new Set<string>();
    for (const map of this.terminalDays) for (const day of map.keys()) days.add(dayDocName(this.tenant, this.outlet, day));
    return [...days];
  }

  /** Every terminal starts from this state of a day document (a writer resuming after a crash). */
  adoptDay(day: string, state: Uint8Array): void {
    for (let t = 0; t < this.deviceIds.length; t++) Y.applyUpdate(this.dayReplica(t, day), state);
  }

  /** Applies another replica's update to a terminal (they sync through the relay in production). */
  receive(terminal: number, day: string, update: Uint8Array): void {
    Y.applyUpdate(this.dayReplica(terminal, day), update);
  }
}
