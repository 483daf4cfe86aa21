/**
 * The `box` role against a real relay (port 0, in-memory PGlite, stock y-websocket clients):
 * a LAN box's upstream token for outlet A syncs A's outlet document and A's day documents,
 * relaying what other devices wrote (trusted, like the projector), and is refused with 4403
 * for outlet B of the same tenant and for any other tenant.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '@kiosk/shared';
import { eventually, putTestOrder, testOrderTotal } from '@kiosk/shared/testing';
import { startTestRelay, type TestRelay } from '../testing';

async function devicesThatWrote(relay: TestRelay, docName: string): Promise<string[]> {
  const rows = await relay.store.db.selectFrom('update_log').select(['device_id']).where('doc_name', '=', docName).orderBy('id').execute();
  return rows.map((r) => r.device_id);
}

describe('box role', () => {
  let relay: TestRelay;
  let boxToken: string;
  beforeAll(async () => {
    relay = await startTestRelay();
    boxToken = await relay.tokenFor('box', { tenant: 'demo', outlet: 'main', deviceId: 'lan-box-1' });
  });
  afterAll(async () => {
    await relay?.close();
  });

  test("a box token syncs its outlet's document both ways", async () => {
    const outlet = 'demo/main';
    const manager = relay.client(outlet, await relay.tokenFor('manager', { deviceId: 'M1' }));
    await manager.synced();
    manager.doc.getMap('items').set('nasi', { price: 25000 });
    const box = relay.client(outlet, boxToken);
    await box.synced();
    await eventually(() => expect(box.doc.getMap('items').get('nasi')).toEqual({ price: 25000 }));
    box.doc.getMap('items').set('teh', { price: 8000 });
    await eventually(() => expect(manager.doc.getMap('items').get('teh')).toEqual({ price: 8000 }));
    await eventually(async () => expect(await devicesThatWrote(relay, outlet)).toEqual(['M1', 'lan-box-1']));
    expect(box.closes).toEqual([]);
  });

  test("a box token relays a day document of its outlet, including structs of another device's client id", async () => {
    const day = 'demo/main/2026-11-22';
    const terminal = relay.client(day, await relay.tokenFor('terminal', { deviceId: 'T1' }));
    await terminal.synced();
    putTestOrder(terminal.doc, day, { id: 'o1', deviceId: 'T1', total: 1 });
    await eventually(async () => expect(await devicesThatWrote(relay, day)).toEqual(['T1']));
    // The terminal goes offline (it talks to the box on the LAN now) and writes another order
    // with its own client id, which the relay has already assigned to T1.
    terminal.provider.disconnect();
    const before = Y.encodeStateVector(terminal.doc);
    putTestOrder(terminal.doc, day, { id: 'o2', deviceId: 'T1', total: 2, deviceSeq: 2 });
    const box = relay.client(day, boxToken);
    await box.synced();
    await eventually(() => expect(testOrderTotal(box.doc, 'o1')).toBe(1));
    Y.applyUpdate(box.doc, Y.encodeStateAsUpdate(terminal.doc, before)); // the box forwards it upstream
    const reader = relay.client(day, await relay.tokenFor('manager', { deviceId: 'M-day' }));
    await eventually(() => expect([testOrderTotal(reader.doc, 'o1'), testOrderTotal(reader.doc, 'o2')]).toEqual([1, 2]));
    await eventually(async () => expect(await devicesThatWrote(relay, day)).toEqual(['T1', 'lan-box-1']));
    expect(box.closes).toEqual([]);
    // a trusted relay claims no client ids: T1 still owns its own, the box owns none
    const claims = await relay.store.db.selectFrom('device_client_ids').select(['client_id', 'device_id']).where('doc_name', '=', day).execute();
    expect(claims.map((c) => [Number(c.client_id), c.device_id])).toEqual([[terminal.doc.clientID, 'T1']]);
  });

  test('a box token is refused (4403) for another outlet of its tenant and for another tenant', async () => {
    const cases: Array<[string, RegExp]> = [
      ['demo/branch', /token of outlet demo\/main cannot open demo\/branch/],
      ['demo/branch/2026-11-22', /token of outlet demo\/main cannot open demo\/branch\/2026-11-22/],
      ['acme/main', /token of tenant demo cannot open acme\/main/],
      ['acme/main/2026-11-22', /token of tenant demo cannot open acme\/main\/2026-11-22/],
    ];
    const clients = cases.map(([doc]) => relay.client(doc, boxToken));
    await eventually(() => {
      for (const c of clients) expect(c.closes.length).toBeGreaterThan(0);
    });
    cases.forEach(([doc, reason], i) => {
      expect({ doc, code: clients[i].closes[0].code }).toEqual({ doc, code: CloseCode.forbidden });
      expect(clients[i].closes[0].reason).toMatch(reason);
      expect(clients[i].provider.synced).toBe(false);
    });
    for (const [doc] of cases) expect(await devicesThatWrote(relay, doc)).toEqual([]);
  });
});
