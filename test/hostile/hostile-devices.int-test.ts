/**
 * Hostile devices: a paired terminal and a kitchen display with valid tokens, using raw sockets,
 * against a real relay and projector (PGlite, and PostgreSQL when it runs). Every attack of the
 * device-trust issue is refused (or, where a write is legitimate in form, flagged), the honest
 * devices' orders are untouched, numbers stay gapless and `verify` stays clean.
 *
 * The relay's clock is injected (10:00 in Jakarta on 2026-11-22), so the writable window of
 * business days never depends on the date the test runs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode, encodeSyncStep2, encodeUpdate, ORDER, ordersMap, submitOrder, addPayment, refund, type OrderHeader } from '@kiosk/shared';
import {
  generateStaffKeyPair,
  openStaffKey,
  readStaffKeyEnvelope,
  readStaffKeyEnvelopes,
  signApproval,
  eventApprovalClaim,
  staffKeysDocName,
  uuidv7,
} from '@kiosk/shared';
import { seedDemoOutlet } from '@kiosk/shared/demo';
import { eventually } from '@kiosk/shared/testing';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { PROJECTOR_DEVICE, startProjector, verify, type Projector } from '@kiosk/projector';
import { startTestRelay, type TestClient, type TestRelay } from '@kiosk/sync-server/testing';

const NOW = Date.UTC(2026, 10, 22, 3, 0); // 10:00 Asia/Jakarta
const DAY = 'demo/main/2026-11-22';
const OUTLET = 'demo/main';
const kopi = {
  itemId: 'es-kopi-susu',
  qty: 1,
  modifiers: [
    { groupId: 'ukuran', optionId: 'regular' },
    { groupId: 'gula', optionId: 'normal' },
  ],
};

/** A raw socket that sends exactly what the attacker builds; resolves its close. */
async function attack(relay: TestRelay, docName: string, token: string, message: Uint8Array): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(`${relay.wsUrl}/${docName}?token=${encodeURIComponent(token)}`);
  const received: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await eventually(() => expect(received.length).toBeGreaterThan(0)); // admitted (the relay sent step 1)
  ws.send(message);
  return closed;
}

/** What `fn` changes in a copy of `source` (the attacker's replica), as one update. */
function forge(source: Y.Doc, fn: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
  const before = Y.encodeStateVector(doc);
  fn(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

describe.each(testDatabaseTargets())('hostile devices on $name', (target) => {
  let store: KioskDatabase;
  let relay: TestRelay;
  let projector: Projector;
  let outlet: Y.Doc;
  let honest: TestClient;
  const paid: string[] = [];
  let total = 0;
  const tokens: Record<string, string> = {};

  const orderRows = () =>
    store.db.selectFrom('orders').select(['id', 'number', 'total', 'paid', 'device_id', 'flags']).where('doc_name', '=', DAY).orderBy('number').execute();

  beforeAll(async () => {
    store = await target.open();
    // The window is the production default (yesterday + 3 days of grace, never the future).
    relay = await startTestRelay({ store, now: () => NOW, dayWindow: { graceDays: 3 } });
    projector = await startProjector({ store, pollMs: 50, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    outlet = new Y.Doc();
    await seedDemoOutlet(outlet);
    await relay.server.relay.transactDoc(OUTLET, { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(outlet)));
    for (const [role, deviceId] of [
      ['terminal', 'T1'],
      ['terminal', 'T2'],
      ['kitchen', 'K1'],
    ] as const) {
      tokens[deviceId] = await relay.tokenFor(role, { deviceId });
    }
    // The honest terminal rings up three paid orders; the projector numbers them.
    honest = relay.client(DAY, tokens.T1);
    await honest.synced();
    for (let i = 0; i < 3; i++) {
      const { id } = submitOrder(outlet, honest.doc, { deviceId: 'T1', staffId: 'staff-sari', type: 'takeaway', lines: [kopi] }, { now: NOW + i });
      total = (ordersMap(honest.doc).get(id)!.get(ORDER.header) as OrderHeader).totals.total;
      addPayment(honest.doc, id, { deviceId: 'T1', staffId: 'staff-sari', method: 'cash', amount: total }, { now: NOW + i });
      paid.push(id);
    }
    await eventually(
      async () => {
        const rows = await orderRows();
        expect(rows.map((r) => r.number)).toEqual([1, 2, 3]);
        for (const id of paid) expect(ordersMap(honest.doc).get(id)?.get(ORDER.number)).toBeTypeOf('number');
      },
      { timeoutMs: 30_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await projector?.close();
    await relay?.close();
    await store?.close();
  });

  /** The attacker's replica: everything the honest devices wrote. */
  const replica = () => honest.doc;

  const refusals: Array<[string, string, () => Uint8Array, RegExp]> = [
    [
      'rewrites the header of a paid order (its total → 1)',
      'T2',
      () =>
        forge(replica(), (doc) => {
          const order = ordersMap(doc).get(paid[0])!;
          const header = order.get(ORDER.header) as OrderHeader;
          order.set(ORDER.header, { ...header, totals: { ...header.totals, total: 1 } });
        }),
      /header already/,
    ],
    [
      'deletes the payment event of a paid order',
      'T2',
      () => forge(replica(), (doc) => (ordersMap(doc).get(paid[1])!.get(ORDER.events) as Y.Array<unknown>).delete(0, 1)),
      /deleted/,
    ],
    ['deletes an order from the day map', 'T2', () => forge(replica(), (doc) => ordersMap(doc).delete(paid[2])), /deleted/],
    [
      'overwrites the number of a numbered order (duplicate #2)',
      'T2',
      () => forge(replica(), (doc) => ordersMap(doc).get(paid[0])!.set(ORDER.number, 2)),
      /numbering authority/,
    ],
    ...[3, 1000, -5, 3_000_000_000].map(
      (n) =>
        [
          `submits a new order already carrying number ${n}`,
          'T2',
          () =>
            forge(replica(), (doc) => {
              const { id } = submitOrder(outlet, doc, { deviceId: 'T2', type: 'takeaway', lines: [kopi] }, { now: NOW });
              ordersMap(doc).get(id)!.set(ORDER.number, n);
            }),
          /numbering authority/,
        ] as [string, string, () => Uint8Array, RegExp],
    ),
    [
      'a KITCHEN display writes a cash refund approved by the manager',
      'K1',
      () =>
        forge(replica(), (doc) =>
          refund(doc, paid[0], { deviceId: 'K1', amount: total, method: 'cash', reason: 'forged', approvedBy: 'staff-budi' }, { now: NOW + 10 }),
        ),
      /kitchen display may only bump/,
    ],
  ];

  /** Writes in another device's name: refused live; as catch-up they are what relaying looks like. */
  const impersonations: Array<[string, () => Uint8Array, RegExp]> = [
    [
      'an order claiming another device (T1)',
      () => forge(replica(), (doc) => submitOrder(outlet, doc, { deviceId: 'T1', type: 'takeaway', lines: [kopi] }, { now: NOW })),
      /names device T1 but was written by device T2/,
    ],
    [
      "a payment written with the honest terminal's own client id",
      () => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica()));
        doc.clientID = replica().clientID; // after the apply: Yjs moves a doc off an id it sees remotely
        const before = Y.encodeStateVector(doc);
        addPayment(doc, paid[0], { deviceId: 'T1', method: 'cash', amount: 1 }, { now: NOW });
        return Y.encodeStateAsUpdate(doc, before);
      },
      /client id \d+ of another device/,
    ],
  ];

  test.each(impersonations)('refused as a live update: a terminal writes %s', async (_what, build, reason) => {
    const before = await orderRows();
    const closed = await attack(relay, DAY, tokens.T2, encodeUpdate(build()));
    expect([CloseCode.forbidden, CloseCode.tryAgain]).toContain(closed.code);
    expect(closed.reason).toMatch(reason);
    await relay.server.relay.flush();
    expect(await orderRows()).toEqual(before);
  });

  test.each(refusals)('refused live and as catch-up: a device %s', async (_what, device, build, reason) => {
    const before = await orderRows();
    const stateBefore = Y.encodeStateVector(honest.doc);
    const update = build();
    for (const message of [encodeUpdate(update), encodeSyncStep2(update)]) {
      const closed = await attack(relay, DAY, tokens[device], message);
      expect([CloseCode.forbidden, CloseCode.tryAgain]).toContain(closed.code);
      expect(closed.reason).toMatch(reason);
    }
    await relay.server.relay.flush();
    // Nothing reached the honest device, the log or the rows.
    expect(Y.encodeStateVector(honest.doc)).toEqual(stateBefore);
    expect(await orderRows()).toEqual(before);
  });

  test('day documents outside the writable window (2020-01-01, 2099-12-31, tomorrow) are refused; yesterday is writable', async () => {
    for (const day of ['2020-01-01', '2099-12-31', '2026-11-23']) {
      const doc = new Y.Doc();
      submitOrder(outlet, doc, { deviceId: 'T2', type: 'takeaway', lines: [kopi] }, { now: NOW, businessDay: day as never });
      const closed = await attack(relay, `demo/main/${day}`, tokens.T2, encodeSyncStep2(Y.encodeStateAsUpdate(doc)));
      expect(closed.code).toBe(CloseCode.forbidden);
      expect(closed.reason).toMatch(/day_closed: business day .* is not writable \(writable: 2026-11-18 to 2026-11-22\)/);
    }
    await relay.server.relay.flush();
    const rows = await store.db
      .selectFrom('update_log')
      .select('doc_name')
      .where('doc_name', 'in', ['demo/main/2020-01-01', 'demo/main/2099-12-31', 'demo/main/2026-11-23'])
      .execute();
    expect(rows).toEqual([]);
    // A terminal that was offline since yesterday still delivers yesterday's orders.
    const late = relay.client('demo/main/2026-11-21', tokens.T2);
    await late.synced();
    submitOrder(outlet, late.doc, { deviceId: 'T2', type: 'takeaway', lines: [kopi] }, { now: NOW - 86_400_000, businessDay: '2026-11-21' as never });
    await eventually(async () => {
      const stored = await store.db.selectFrom('orders').select('number').where('doc_name', '=', 'demo/main/2026-11-21').execute();
      expect(stored).toEqual([{ number: 1 }]);
    });
    expect(late.closes).toEqual([]);
  });

  test('after every attack: the honest orders are intact, numbers gapless, verify clean', async () => {
    // An honest second round from the other terminal still works.
    const t2 = relay.client(DAY, tokens.T2);
    await t2.synced();
    submitOrder(outlet, t2.doc, { deviceId: 'T2', type: 'dine_in', lines: [kopi], payments: [{ method: 'qris', amount: total }] }, { now: NOW + 100 });
    await eventually(async () => expect((await orderRows()).map((r) => r.number)).toEqual([1, 2, 3, 4]));
    const rows = await orderRows();
    expect(rows.slice(0, 3).map((r) => [r.id, r.total, r.paid, r.device_id])).toEqual(paid.map((id) => [id, total, total, 'T1']));
    expect(t2.closes).toEqual([]);
    expect(honest.closes).toEqual([]);
    expect(await verify({ store })).toEqual([]);
  });

  test.each(impersonations)('recorded as relayed when sent as catch-up: %s', async (_what, build) => {
    const update = build();
    // The honest terminal's part is over: a catch-up reusing its client id makes its Yjs document
    // move to a fresh client id, which the stock provider cannot destroy cleanly afterwards.
    honest.destroy();
    // Catch-up may carry what another device wrote (a relay that crashed after broadcasting it
    // lost it; the device that received it delivers it). Accepted, so nothing honest is ever
    // lost — but the log row names the devices it relays, for the projector to flag.
    const ws = new WebSocket(`${relay.wsUrl}/${DAY}?token=${encodeURIComponent(tokens.T2)}`);
    const received: Uint8Array[] = [];
    ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await eventually(() => expect(received.length).toBeGreaterThan(0));
    const lastId = Number(
      (
        await store.db
          .selectFrom('update_log')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id ?? 0,
    );
    ws.send(encodeSyncStep2(update));
    await eventually(async () => {
      await relay.server.relay.flush();
      // The projector's own write-backs (numbers of the relayed orders) may land meanwhile.
      const rows = await store.db
        .selectFrom('update_log')
        .select(['device_id', 'relayed_for'])
        .where('doc_name', '=', DAY)
        .where('id', '>', lastId)
        .where('device_id', '!=', PROJECTOR_DEVICE)
        .execute();
      expect(rows).toEqual([{ device_id: 'T2', relayed_for: 'T1' }]);
    });
    ws.close();
  });

  test("the projector flags what got through: the order T2 relayed in T1's name (device_mismatch, by T2), a line priced 1 (price_mismatch)", async () => {
    // A header like a terminal's, with the line priced 1 instead of the menu price, sent live by T2 as its own order.
    const scratch = new Y.Doc();
    const { id } = submitOrder(outlet, scratch, { deviceId: 'T2', staffId: 'staff-sari', type: 'takeaway', lines: [kopi] }, { now: NOW + 300 });
    const real = ordersMap(scratch).get(id)!.get(ORDER.header) as OrderHeader;
    const cheap = { ...real, lines: [{ ...real.lines[0], unitPrice: 1, gross: 1 }] } as OrderHeader;
    const attacker = relay.client(DAY, tokens.T2);
    await attacker.synced();
    attacker.doc.transact(() => {
      const order = new Y.Map<unknown>();
      ordersMap(attacker.doc).set(id, order);
      order.set(ORDER.header, cheap);
      order.set(ORDER.events, new Y.Array());
    });
    const trustOf = async (orderId: string) =>
      (await store.db.selectFrom('orders').select('trust_flags').where('id', '=', orderId).executeTakeFirst())?.trust_flags as
        Array<{ flag: string; field?: string; claimed?: unknown; expected?: unknown; writer?: string }> | undefined;
    await eventually(async () =>
      expect(await trustOf(id)).toEqual(expect.arrayContaining([expect.objectContaining({ flag: 'price_mismatch', field: 'lines.0.unitPrice', claimed: 1 })])),
    );
    attacker.destroy();
    // The impersonating order relayed as catch-up (test above): its client id was claimed for T1, delivered by T2.
    const relayed = await store.db
      .selectFrom('orders')
      .select(['id', 'trust_flags'])
      .where('doc_name', '=', DAY)
      .where('device_id', '=', 'T1')
      .where('id', 'not in', paid)
      .execute();
    expect(relayed).toHaveLength(1);
    for (const row of relayed) {
      expect(row.trust_flags).toEqual(expect.arrayContaining([expect.objectContaining({ flag: 'device_mismatch', claimed: 'T1', writer: 'T2' })]));
    }
    // The honest orders carry no finding.
    for (const orderId of paid) expect(await trustOf(orderId)).toEqual([]);
  });
});

/**
 * Forged approvals (issue 13): the approval of a refund is a signature only the approver's PIN
 * can make (their sealed key in the staff-keys document). Kitchen displays and back-office
 * sessions cannot even open that document, and the outlet document holds no PIN verifier.
 */
describe.each(testDatabaseTargets())('forged approvals on $name', (target) => {
  const KEYS = staffKeysDocName('demo', 'main');
  const CHEAP = { memoryKiB: 256, passes: 1, parallelism: 1 };
  let store: KioskDatabase;
  let relay: TestRelay;
  let projector: Projector;
  let outlet: Y.Doc;
  const tokens: Record<string, string> = {};

  const flagsOf = async (id: string) =>
    (await store.db.selectFrom('orders').select('flags').where('id', '=', id).executeTakeFirst())?.flags as string[] | undefined;

  beforeAll(async () => {
    store = await target.open();
    relay = await startTestRelay({ store, now: () => NOW, dayWindow: { graceDays: 3 } });
    projector = await startProjector({ store, pollMs: 50, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    outlet = new Y.Doc();
    const keys = new Y.Doc();
    await seedDemoOutlet(outlet, { staffKeys: keys, kdf: CHEAP, now: NOW - 86_400_000 });
    await relay.server.relay.transactDoc(OUTLET, { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(outlet)));
    await relay.server.relay.transactDoc(KEYS, { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(keys)));
    for (const [role, deviceId] of [
      ['terminal', 'T1'],
      ['terminal', 'T2'],
      ['kitchen', 'K1'],
      ['manager', 'office-1'],
    ] as const) {
      tokens[deviceId] = await relay.tokenFor(role, { deviceId });
    }
  }, 120_000);

  afterAll(async () => {
    await projector?.close();
    await relay?.close();
    await store?.close();
  });

  test('a kitchen token and a back-office token are refused the staff-keys document (4403); a terminal reads it and cannot write it', async () => {
    for (const device of ['K1', 'office-1']) {
      const c = relay.client(KEYS, tokens[device]);
      await eventually(() => expect(c.closes.map((x) => x.code)).toContain(CloseCode.forbidden));
      expect(c.closes[0].reason).toMatch(/^forbidden: role (kitchen|manager) cannot open demo\/main\/staff-keys/);
      expect(readStaffKeyEnvelopes(c.doc)).toEqual([]);
      c.destroy();
    }
    const terminal = relay.client(KEYS, tokens.T1);
    await terminal.synced();
    expect(
      readStaffKeyEnvelopes(terminal.doc)
        .map((e) => e.staffId)
        .sort(),
    ).toEqual(['staff-budi', 'staff-sari']);
    // A terminal swapping in an envelope of its own (a key it knows, under a PIN it chose) is refused.
    const mine = forge(terminal.doc, (doc) => doc.getMap('envelopes').set('staff-budi', { v: 1, staffId: 'staff-budi' }));
    terminal.destroy();
    const closed = await attack(relay, KEYS, tokens.T2, encodeUpdate(mine));
    expect(closed.code).toBe(CloseCode.forbidden);
    expect(closed.reason).toMatch(/read/);
  });

  test('the outlet document a kitchen display receives holds no PIN verifier, only public keys', async () => {
    const kitchen = relay.client(OUTLET, tokens.K1);
    await kitchen.synced();
    const bytes = new TextDecoder('latin1').decode(Y.encodeStateAsUpdate(kitchen.doc));
    expect(bytes).not.toMatch(/pinHash|pbkdf2|argon2/);
    expect(kitchen.doc.getMap('staff').size).toBe(2);
    expect(kitchen.doc.getMap('approvalKeys').size).toBe(2);
    kitchen.destroy();
  });

  test('refunds approvedBy the manager: signed with the PIN-unlocked key verifies; no signature, a made-up key or a copied signature is flagged approval_unverified', async () => {
    const t1 = relay.client(DAY, tokens.T1);
    await t1.synced();
    const keysOnT1 = relay.client(KEYS, tokens.T1);
    await keysOnT1.synced();
    const budi = await openStaffKey(readStaffKeyEnvelope(keysOnT1.doc, 'staff-budi')!, '9999');
    expect(budi).not.toBeNull();
    expect(await openStaffKey(readStaffKeyEnvelope(keysOnT1.doc, 'staff-budi')!, '9998')).toBeNull();

    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = submitOrder(outlet, t1.doc, { deviceId: 'T1', staffId: 'staff-sari', type: 'takeaway', lines: [kopi] }, { now: NOW + i });
      const total = (ordersMap(t1.doc).get(id)!.get(ORDER.header) as OrderHeader).totals.total;
      addPayment(t1.doc, id, { deviceId: 'T1', method: 'cash', amount: total }, { now: NOW + i });
      ids.push(id);
    }
    const [honest, bare, ownKey, copied] = ids;
    const at = NOW + 60_000;
    const refundOf = (orderId: string, extra: Record<string, unknown>, eventId = uuidv7()) =>
      refund(t1.doc, orderId, { deviceId: 'T1', amount: 1000, method: 'cash', reason: 'cold', ...extra }, { now: at, id: eventId });
    // Honest: the manager typed the PIN on this terminal.
    refundOf(honest, { approver: { staffId: 'staff-budi', pair: budi! } });
    // Forged: the issue-13 attack, a bare approvedBy.
    refundOf(bare, { approvedBy: 'staff-budi' });
    // Forged: signed with a key the attacker made up.
    const eventId = uuidv7();
    const claim = eventApprovalClaim(ownKey, { kind: 'refund', id: eventId, at, deviceId: 'T1', method: 'cash', amount: 1000 }, 'staff-budi');
    refundOf(ownKey, { approvedBy: 'staff-budi', approval: signApproval(generateStaffKeyPair(), claim) }, eventId);
    // Forged: the honest refund's signature copied onto another order.
    const honestRefund = readHonestApproval(t1.doc, honest);
    refundOf(copied, { approvedBy: 'staff-budi', approval: honestRefund });

    await eventually(
      async () => {
        for (const id of ids) expect(await flagsOf(id)).toBeDefined();
        expect((await flagsOf(honest))!.filter((f) => f.startsWith('approval_unverified'))).toEqual([]);
        expect(await flagsOf(bare)).toEqual(expect.arrayContaining([expect.stringMatching(/^approval_unverified: refund .*: no signature$/)]));
        expect(await flagsOf(ownKey)).toEqual(expect.arrayContaining([expect.stringMatching(/^approval_unverified: refund .*: signature does not verify$/)]));
        expect(await flagsOf(copied)).toEqual(expect.arrayContaining([expect.stringMatching(/^approval_unverified: refund .*: signature does not verify$/)]));
      },
      { timeoutMs: 30_000 },
    );
    expect(t1.closes).toEqual([]);
  });
});

function readHonestApproval(day: Y.Doc, orderId: string): { by: string; sig: string } {
  const events = (ordersMap(day).get(orderId)!.get(ORDER.events) as Y.Array<{ kind: string; approval?: { by: string; sig: string } }>).toArray();
  return events.find((e) => e.kind === 'refund')!.approval!;
}
