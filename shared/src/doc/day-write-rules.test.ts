import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { seedDemoOutlet } from '../demo/cafe';
import { addPayment, cancelOrder, refund, setStationStatus } from '../domain/order-events';
import { submitOrder } from '../domain/submit-order';
import { openDrawer } from '../domain/drawer';
import { generateStaffKeyPair } from '../domain/staff-keys';
import { setOrderNumber, ordersMap } from './day-doc';
import { checkDayUpdate, isWritableDay, writableDays, WriteRuleViolation, type DayWriteContext } from './day-write-rules';
import { DAY, ORDER } from './layout';

// 2026-11-22 10:00 in Jakarta (UTC+7).
const MORNING = Date.UTC(2026, 10, 22, 3, 0);
const DAY_NAME = '2026-11-22';
const line = {
  itemId: 'es-kopi-susu',
  qty: 1,
  modifiers: [
    { groupId: 'ukuran', optionId: 'regular' },
    { groupId: 'gula', optionId: 'normal' },
  ],
};

let outletUpdate: Uint8Array;
beforeAll(async () => {
  const outlet = new Y.Doc();
  await seedDemoOutlet(outlet);
  outletUpdate = Y.encodeStateAsUpdate(outlet);
});

/** A relay's copy of the day document and the devices writing to it, each with its own Yjs doc. */
class World {
  readonly relay = new Y.Doc();
  readonly owners = new Map<number, string>();
  readonly devices = new Map<string, { doc: Y.Doc; outlet: Y.Doc; role: string }>();

  device(id: string, role = 'terminal'): { doc: Y.Doc; outlet: Y.Doc; role: string } {
    let d = this.devices.get(id);
    if (!d) {
      const outlet = new Y.Doc();
      Y.applyUpdate(outlet, outletUpdate);
      d = { doc: new Y.Doc(), outlet, role };
      Y.applyUpdate(d.doc, Y.encodeStateAsUpdate(this.relay));
      this.devices.set(id, d);
    }
    return d;
  }

  /** What `fn` changes on the device's doc, as one update (nothing is sent yet). */
  edit(deviceId: string, fn: (doc: Y.Doc, outlet: Y.Doc) => void): Uint8Array {
    const d = this.device(deviceId);
    const parts: Uint8Array[] = [];
    const on = (u: Uint8Array) => parts.push(u);
    d.doc.on('update', on);
    try {
      fn(d.doc, d.outlet);
    } finally {
      d.doc.off('update', on);
    }
    return parts.length === 1 ? parts[0] : Y.mergeUpdates(parts);
  }

  ctx(deviceId: string, extra: Partial<DayWriteContext> = {}): DayWriteContext {
    return {
      day: DAY_NAME,
      senderDeviceId: deviceId,
      senderRole: this.devices.get(deviceId)?.role ?? 'terminal',
      live: true,
      trusted: false,
      ownerOf: (c) => this.owners.get(c),
      staffIds: new Set(['staff-sari', 'staff-budi']),
      deviceIds: new Set([...this.devices.keys()]),
      ...extra,
    };
  }

  /** The relay's part: check, then apply and claim; then every device receives it. */
  send(deviceId: string, update: Uint8Array, extra: Partial<DayWriteContext> = {}): void {
    const verdict = checkDayUpdate(this.relay, update, this.ctx(deviceId, extra));
    Y.applyUpdate(this.relay, update);
    for (const [client, device] of verdict.claims) this.owners.set(client, device);
    for (const d of this.devices.values()) Y.applyUpdate(d.doc, update);
  }

  submit(deviceId: string, staffId?: string): string {
    let id = '';
    const update = this.edit(deviceId, (doc, outlet) => {
      id = submitOrder(outlet, doc, { deviceId, staffId, type: 'takeaway', lines: [line] }, { now: MORNING }).id;
    });
    this.send(deviceId, update);
    return id;
  }
}

const refused = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WriteRuleViolation) return error.message;
    throw error;
  }
  throw new Error('expected a WriteRuleViolation');
};

describe('day write rules: what honest devices do passes', () => {
  test('submit, pay, bump from the kitchen, refund, cancel, number from the authority', () => {
    const w = new World();
    w.device('K1', 'kitchen');
    const id = w.submit('T1', 'staff-sari');
    w.send(
      'T1',
      w.edit('T1', (doc) => addPayment(doc, id, { deviceId: 'T1', method: 'cash', amount: 25000 }, { now: MORNING + 1 })),
    );
    w.send(
      'K1',
      w.edit('K1', (doc) => setStationStatus(doc, id, { deviceId: 'K1', station: 'bar', status: 'ready' }, { now: MORNING + 2 })),
    );
    w.send(
      'T1',
      w.edit('T1', (doc) => refund(doc, id, { deviceId: 'T1', amount: 1000, method: 'cash', reason: 'cold', approvedBy: 'staff-budi' }, { now: MORNING + 3 })),
    );
    const second = w.submit('T1');
    w.send(
      'T1',
      w.edit('T1', (doc) => cancelOrder(doc, second, { deviceId: 'T1', reason: 'mistake' }, { now: MORNING + 4 })),
    );
    w.send(
      'box',
      w.edit('box', (doc) => setOrderNumber(doc, id, 1)),
      { trusted: true },
    );
    expect(ordersMap(w.relay).get(id)?.get(ORDER.number)).toBe(1);
  });

  test('catch-up (sync step 2) of a device that has everything passes, and relayed content of another outlet device is attributed to it', () => {
    const w = new World();
    w.device('T2');
    const mine = w.edit('T1', (doc, outlet) => submitOrder(outlet, doc, { deviceId: 'T1', type: 'takeaway', lines: [line] }, { now: MORNING }));
    // T2 got T1's order (through a relay that then crashed before storing it) and sends it as catch-up.
    Y.applyUpdate(w.device('T2').doc, mine);
    const catchUp = Y.encodeStateAsUpdate(w.device('T2').doc, Y.encodeStateVector(w.relay));
    const verdict = checkDayUpdate(w.relay, catchUp, w.ctx('T2', { live: false }));
    expect([...verdict.relayed.values()]).toEqual(['T1']);
  });

  test('a device overwriting its own deviceSeq value (the one deletion allowed)', () => {
    const w = new World();
    w.submit('T1');
    w.submit('T1'); // deviceSeq T1: 1 → 2 deletes the old value
    expect(w.relay.getMap(DAY.deviceSeq).get('T1')).toBe(2);
  });
});

describe('day write rules: the attacks are refused', () => {
  const paidOrder = () => {
    const w = new World();
    const id = w.submit('T1', 'staff-sari');
    w.send(
      'T1',
      w.edit('T1', (doc) => addPayment(doc, id, { deviceId: 'T1', method: 'cash', amount: 25000 }, { now: MORNING + 1 })),
    );
    return { w, id };
  };

  test('rewriting the header of a paid order', () => {
    const { w, id } = paidOrder();
    const header = ordersMap(w.device('T1').doc).get(id)!.get(ORDER.header) as Record<string, unknown>;
    const update = w.edit('T1', (doc) =>
      ordersMap(doc)
        .get(id)!
        .set(ORDER.header, { ...header, totals: { ...(header.totals as object), total: 1 } }),
    );
    expect(refused(() => w.send('T1', update))).toMatch(/header already/);
  });

  test('deleting the payment event, or the order', () => {
    const { w, id } = paidOrder();
    const dropPayment = w.edit('T1', (doc) => (ordersMap(doc).get(id)!.get(ORDER.events) as Y.Array<unknown>).delete(0, 1));
    expect(refused(() => w.send('T1', dropPayment))).toMatch(/may be deleted/);
    const w2 = paidOrder();
    const dropOrder = w2.w.edit('T1', (doc) => ordersMap(doc).delete(w2.id));
    expect(refused(() => w2.w.send('T1', dropOrder))).toMatch(/may be deleted/);
  });

  test('replacing the order entry or its event log', () => {
    const { w, id } = paidOrder();
    const replace = w.edit('T1', (doc) => ordersMap(doc).set(id, new Y.Map()));
    expect(refused(() => w.send('T1', replace))).toMatch(/never replaced/);
    const w2 = paidOrder();
    const newLog = w2.w.edit('T1', (doc) => ordersMap(doc).get(w2.id)!.set(ORDER.events, new Y.Array()));
    expect(refused(() => w2.w.send('T1', newLog))).toMatch(/never replaced/);
  });

  test('a device writing an order number: overwrite, preset, negative, huge', () => {
    const { w, id } = paidOrder();
    w.send(
      'box',
      w.edit('box', (doc) => setOrderNumber(doc, id, 2)),
      { trusted: true },
    );
    const overwrite = w.edit('T1', (doc) => ordersMap(doc).get(id)!.set(ORDER.number, 3));
    expect(refused(() => w.send('T1', overwrite))).toMatch(/numbering authority/);
    for (const n of [1000, -5, 3_000_000_000]) {
      const fresh = new World(); // a refused edit stays on the device's own copy: start clean
      const preset = fresh.edit('T1', (doc, outlet) => {
        const newId = submitOrder(outlet, doc, { deviceId: 'T1', type: 'takeaway', lines: [line] }, { now: MORNING }).id;
        ordersMap(doc).get(newId)!.set(ORDER.number, n);
      });
      expect(refused(() => fresh.send('T1', preset))).toMatch(/numbering authority/);
    }
    // Even the authority cannot change a number or write a silly one.
    expect(
      refused(() =>
        w.send(
          'box',
          w.edit('box', (doc) => ordersMap(doc).get(id)!.set(ORDER.number, 5)),
          { trusted: true },
        ),
      ),
    ).toMatch(/never changes/);
    const w2 = paidOrder();
    expect(
      refused(() =>
        w2.w.send(
          'box',
          w2.w.edit('box', (doc) => ordersMap(doc).get(w2.id)!.set(ORDER.number, 3e9)),
          { trusted: true },
        ),
      ),
    ).toMatch(/an order number is an integer from 1 to/);
  });

  test('a kitchen display writing a refund, a payment or an order', () => {
    const { w, id } = paidOrder();
    w.device('K1', 'kitchen');
    const forged = w.edit('K1', (doc) =>
      refund(doc, id, { deviceId: 'K1', amount: 25000, method: 'cash', reason: 'x', approvedBy: 'staff-budi' }, { now: MORNING + 5 }),
    );
    expect(refused(() => w.send('K1', forged))).toMatch(/kitchen display may only bump/);
    const order = w.edit('K1', (doc, outlet) => submitOrder(outlet, doc, { deviceId: 'K1', type: 'takeaway', lines: [line] }, { now: MORNING }));
    expect(refused(() => w.send('K1', order))).toMatch(/kitchen display/);
  });

  test('content naming another device, live or as catch-up with a fresh client id', () => {
    const { w, id } = paidOrder();
    w.device('T2');
    const asT1 = w.edit('T2', (doc) => addPayment(doc, id, { deviceId: 'T1', method: 'cash', amount: 1 }, { now: MORNING + 6 }));
    expect(refused(() => w.send('T2', asT1))).toMatch(/names device T1 but was written by device T2/);
    const asStranger = w.edit('T2', (doc, outlet) => submitOrder(outlet, doc, { deviceId: 'ghost', type: 'takeaway', lines: [line] }, { now: MORNING }));
    expect(refused(() => w.send('T2', asStranger, { live: false }))).toMatch(/not a device of this outlet/);
  });

  test('a header for another day, an unknown staff member, an unknown root, a nested value', () => {
    const w = new World();
    const otherDay = w.edit('T1', (doc, outlet) =>
      submitOrder(outlet, doc, { deviceId: 'T1', type: 'takeaway', lines: [line] }, { now: MORNING, businessDay: '2026-11-21' as never }),
    );
    expect(refused(() => w.send('T1', otherDay))).toMatch(/business day 2026-11-21/);
    const w2 = new World();
    const stranger = w2.edit('T1', (doc, outlet) =>
      submitOrder(outlet, doc, { deviceId: 'T1', staffId: 'staff-mallory', type: 'takeaway', lines: [line] }, { now: MORNING }),
    );
    expect(refused(() => w2.send('T1', stranger))).toMatch(/staff staff-mallory/);
    const w3 = new World();
    expect(
      refused(() =>
        w3.send(
          'T1',
          w3.edit('T1', (doc) => doc.getMap('settings').set('x', 1)),
        ),
      ),
    ).toMatch(/not part of a day document/);
    const w4 = new World();
    const id = w4.submit('T1');
    const nested = w4.edit('T1', (doc) => ordersMap(doc).get(id)!.set('extra', 1));
    expect(refused(() => w4.send('T1', nested))).toMatch(/unknown field/);
  });
});

describe('writable days', () => {
  const jakarta = { timeZone: 'Asia/Jakarta', businessDayStart: '04:00' };
  test('yesterday and today (plus grace), never tomorrow; a device a few minutes fast near the day start is not refused', () => {
    const window = writableDays(MORNING, jakarta, { graceDays: 2, clockSkewMs: 15 * 60_000 });
    expect(window).toEqual({ earliest: '2026-11-19', latest: '2026-11-22' });
    expect(isWritableDay('2026-11-23', window)).toBe(false);
    expect(isWritableDay('2020-01-01', window)).toBe(false);
    expect(isWritableDay('2099-12-31', window)).toBe(false);
    // 03:50 Jakarta on the 23rd is still the 22nd's business day; a clock 10 min fast says the 23rd.
    const beforeStart = Date.UTC(2026, 10, 22, 20, 50);
    expect(isWritableDay('2026-11-23', writableDays(beforeStart, jakarta, { graceDays: 0, clockSkewMs: 15 * 60_000 }))).toBe(true);
  });
});

/**
 * Property: random interleavings of honest edits by several devices (orders, payments, bumps,
 * refunds, cancels, numbers by the authority, live and as catch-up) always pass; inserting any
 * one illegal edit into such a history is always refused, and the relay's document is unchanged.
 */
describe('day write rules: property', () => {
  type Op = { kind: 'submit' | 'pay' | 'bump' | 'refund' | 'cancel' | 'number' | 'catchup'; device: number; pick: number };
  const op = fc.record({
    kind: fc.constantFrom('submit', 'pay', 'bump', 'refund', 'cancel', 'number', 'catchup' as const),
    device: fc.integer({ min: 0, max: 2 }),
    pick: fc.nat(),
  }) as fc.Arbitrary<Op>;
  const ILLEGAL = [
    'rewrite_header',
    'delete_event',
    'delete_order',
    'device_number',
    'kitchen_refund',
    'foreign_device',
    'replace_events',
    'bad_event',
  ] as const;
  const terminals = ['T1', 'T2'];

  function honest(w: World, o: Op, numbered: Set<string>, next: { n: number }): void {
    const ids = [...ordersMap(w.relay).keys()];
    const target = ids.length > 0 ? ids[o.pick % ids.length] : undefined;
    const t = terminals[o.device % 2];
    const at = MORNING + o.pick;
    switch (o.kind) {
      case 'submit':
        w.submit(t, o.pick % 2 ? 'staff-sari' : undefined);
        return;
      case 'pay':
        if (target)
          w.send(
            t,
            w.edit(t, (doc) => addPayment(doc, target, { deviceId: t, method: 'cash', amount: o.pick % 50_000 }, { now: at })),
          );
        return;
      case 'bump':
        if (target)
          w.send(
            'K1',
            w.edit('K1', (doc) => setStationStatus(doc, target, { deviceId: 'K1', station: 'bar', status: 'ready' }, { now: at })),
          );
        return;
      case 'refund':
        if (target)
          w.send(
            t,
            w.edit(t, (doc) => refund(doc, target, { deviceId: t, amount: 1, method: 'card', reason: 'r', approvedBy: 'staff-budi' }, { now: at })),
          );
        return;
      case 'cancel':
        if (target)
          w.send(
            t,
            w.edit(t, (doc) => cancelOrder(doc, target, { deviceId: t, reason: 'r' }, { now: at })),
          );
        return;
      case 'number': {
        const free = ids.find((id) => !numbered.has(id));
        if (!free) return;
        numbered.add(free);
        w.send(
          'box',
          w.edit('box', (doc) => setOrderNumber(doc, free, next.n++)),
          { trusted: true },
        );
        return;
      }
      case 'catchup': {
        const d = w.device(t).doc;
        w.send(t, Y.encodeStateAsUpdate(d, Y.encodeStateVector(w.relay)), { live: false });
        return;
      }
    }
  }

  function illegal(w: World, kind: (typeof ILLEGAL)[number], pick: number): { device: string; update: Uint8Array; ctx?: Partial<DayWriteContext> } {
    const id = [...ordersMap(w.relay).keys()][pick % ordersMap(w.relay).size];
    const t = terminals[pick % 2];
    switch (kind) {
      case 'rewrite_header': {
        const header = ordersMap(w.device(t).doc).get(id)!.get(ORDER.header) as object;
        return {
          device: t,
          update: w.edit(t, (doc) =>
            ordersMap(doc)
              .get(id)!
              .set(ORDER.header, { ...header, note: 'x' }),
          ),
        };
      }
      case 'delete_event':
        if ((ordersMap(w.relay).get(id)!.get(ORDER.events) as Y.Array<unknown>).length === 0) {
          w.send(
            t,
            w.edit(t, (doc) => addPayment(doc, id, { deviceId: t, method: 'cash', amount: 1 }, { now: MORNING })),
          );
        }
        return { device: t, update: w.edit(t, (doc) => (ordersMap(doc).get(id)!.get(ORDER.events) as Y.Array<unknown>).delete(0, 1)) };
      case 'delete_order':
        return { device: t, update: w.edit(t, (doc) => ordersMap(doc).delete(id)) };
      case 'device_number':
        return { device: t, update: w.edit(t, (doc) => ordersMap(doc).get(id)!.set(ORDER.number, 999)) };
      case 'kitchen_refund':
        return {
          device: 'K1',
          update: w.edit('K1', (doc) =>
            refund(doc, id, { deviceId: 'K1', amount: 5, method: 'cash', reason: 'x', approvedBy: 'staff-budi' }, { now: MORNING }),
          ),
        };
      case 'foreign_device': {
        const other = t === 'T1' ? 'T2' : 'T1';
        return { device: t, update: w.edit(t, (doc) => addPayment(doc, id, { deviceId: other, method: 'cash', amount: 1 }, { now: MORNING })) };
      }
      case 'replace_events':
        return { device: t, update: w.edit(t, (doc) => ordersMap(doc).get(id)!.set(ORDER.events, new Y.Array())) };
      case 'bad_event':
        return {
          device: t,
          update: w.edit(t, (doc) => (ordersMap(doc).get(id)!.get(ORDER.events) as Y.Array<unknown>).push([{ kind: 'payment', amount: -5 }])),
        };
    }
  }

  test('honest histories always pass; one illegal edit in any of them is always refused', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), fc.constantFrom(...ILLEGAL), fc.nat(), (ops, bad, pick) => {
        const w = new World();
        w.device('K1', 'kitchen');
        for (const t of terminals) w.device(t);
        const numbered = new Set<string>();
        const next = { n: 1 };
        w.submit('T1');
        for (const o of ops) honest(w, o, numbered, next); // throws (fails the property) if refused
        const attack = illegal(w, bad, pick);
        const before = Y.encodeStateVector(w.relay);
        expect(() => checkDayUpdate(w.relay, attack.update, w.ctx(attack.device, attack.ctx))).toThrow(WriteRuleViolation);
        // The same edit as catch-up is refused too — except content naming another device of the
        // outlet under a fresh client id, which catch-up may legitimately relay: it passes only
        // as "relayed", which the relay records with the claim so the projector flags it.
        const asCatchUp = () => checkDayUpdate(w.relay, attack.update, w.ctx(attack.device, { ...attack.ctx, live: false }));
        if (bad === 'foreign_device' && !w.owners.has(w.device(attack.device).doc.clientID)) expect(asCatchUp().relayed.size).toBe(1);
        else expect(asCatchUp).toThrow(WriteRuleViolation);
        expect(Y.encodeStateVector(w.relay)).toEqual(before);
      }),
      { numRuns: 150, seed: 20261202 },
    );
  }, 60_000); // 150 random histories of up to 25 edits, CPU-bound: seconds on a loaded 2-core box
});

describe('day write rules: cash drawer openings (no sale)', () => {
  const approver = { staffId: 'staff-budi', pair: generateStaffKeyPair() };
  const open = (w: World, device: string, e: Partial<{ deviceId: string; staffId: string }> = {}) =>
    w.edit(device, (doc) => openDrawer(doc, { deviceId: device, approver, ...e }, { now: MORNING }));

  test('a terminal appends openings; the relay and every device hold them', () => {
    const w = new World();
    w.device('T2');
    w.send('T1', open(w, 'T1', { staffId: 'staff-sari' }));
    w.send('T2', open(w, 'T2'));
    expect(w.relay.getArray(DAY.drawer).length).toBe(2);
    expect(w.device('T2').doc.getArray(DAY.drawer).length).toBe(2);
  });

  test('refused: from a kitchen display, naming another device, an unknown approver, an unsigned or malformed event, a removal', () => {
    // Each attempt on a world of its own: a refused edit stays in the sender's copy.
    const attempt = (device: string, fn: (doc: Y.Doc) => void, role = 'terminal') => {
      const w = new World();
      w.device(device, role);
      return refused(() => w.send(device, w.edit(device, fn)));
    };
    const push = (value: unknown) => (doc: Y.Doc) => doc.getArray(DAY.drawer).push([value]);
    expect(attempt('K1', (doc) => openDrawer(doc, { deviceId: 'K1', approver }, { now: MORNING }), 'kitchen')).toMatch(
      /kitchen display cannot open the cash drawer/,
    );
    expect(attempt('T1', (doc) => openDrawer(doc, { deviceId: 'T9', approver }, { now: MORNING }))).toMatch(/names device T9 but was written by device T1/);
    expect(attempt('T1', (doc) => openDrawer(doc, { deviceId: 'T1', approver: { ...approver, staffId: 'staff-nobody' } }, { now: MORNING }))).toMatch(
      /names staff staff-nobody/,
    );
    expect(attempt('T1', push({ id: 'e-1', at: MORNING, deviceId: 'T1', kind: 'drawer_open', approvedBy: 'staff-budi' }))).toMatch(
      /invalid drawer event: .*approval/,
    );
    expect(attempt('T1', push({ id: 'e-2', at: MORNING, deviceId: 'T1', kind: 'cash_out', amount: 50000 }))).toMatch(/invalid drawer event/);

    const w = new World();
    w.send('T1', open(w, 'T1'));
    const removal = w.edit('T1', (doc) => doc.getArray(DAY.drawer).delete(0, 1));
    expect(refused(() => w.send('T1', removal))).toMatch(/nothing in a day document may be deleted/);
    expect(w.relay.getArray(DAY.drawer).length).toBe(1);
  });
});
