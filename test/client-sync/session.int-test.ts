/**
 * The device session against the real relay: on first start it gets the outlet from the
 * server, opens the day document of the outlet's business day (Asia/Jakarta, day starts
 * 04:00), rolls over at the boundary, and keeps the previous day connected until the server
 * has stored what was written offline into it.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { openStaffKey, readOutlet, readStaffKeyEnvelope } from '@kiosk/shared';
import { seedDemoOutlet } from '@kiosk/shared/demo';
import { eventually } from '@kiosk/shared/testing';
import { MemoryStorage, TestWebSocket } from '@kiosk/client/sync/testing';
import { startTestRelay, type TestRelay } from '@kiosk/sync-server/testing';
import { DeviceSession } from '@kiosk/client/sync';

describe('DeviceSession', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
    const seeded = new Y.Doc();
    const keys = new Y.Doc();
    await seedDemoOutlet(seeded, { staffKeys: keys, kdf: { memoryKiB: 256, passes: 1, parallelism: 1 } });
    await relay.server.relay.transactDoc('demo/main', { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(seeded)));
    await relay.server.relay.transactDoc('demo/main/staff-keys', { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(keys)));
  });
  afterAll(async () => {
    await relay?.close();
  });

  test('opens the business day of the outlet’s zone and rolls over at its start, draining the previous day', async () => {
    // 20:59 UTC = 03:59 in Jakarta on the 24th: still the business day of the 23rd.
    let now = Date.parse('2026-11-23T20:59:00Z');
    const token = await relay.tokenFor('terminal', { deviceId: 'T1' });
    const session = new DeviceSession(
      { serverUrl: relay.url, token, deviceId: 'T1', tenant: 'demo', outlet: 'main', code: 'A', kind: 'terminal', name: 'Kasir 1', stations: [] },
      { now: () => now, storage: new MemoryStorage(), WebSocketPolyfill: TestWebSocket },
    );
    await session.open();
    expect(readOutlet(session.outlet.doc).settings?.timeZone).toBe('Asia/Jakarta');
    expect(session.businessDay).toBe('2026-11-23');
    const previous = session.day!;
    expect(previous.name).toBe('demo/main/2026-11-23');

    // Written offline just before the boundary.
    previous.setNetwork(false);
    previous.doc.getMap('deviceSeq').set('T1', 1);
    expect(previous.getState().pending).toBeGreaterThan(0);

    now = Date.parse('2026-11-23T21:01:00Z');
    await session.rollover();
    expect(session.businessDay).toBe('2026-11-24');
    expect(session.day?.name).toBe('demo/main/2026-11-24');

    // The previous day is still held until the server has stored its change.
    const stored = () => relay.store.db.selectFrom('update_log').select('id').where('doc_name', '=', 'demo/main/2026-11-23').execute();
    expect(await stored()).toHaveLength(0);
    previous.setNetwork(true);
    await eventually(async () => expect((await stored()).length).toBeGreaterThan(0));
    await eventually(() => expect(previous.getState().pending).toBe(0));
    await session.close();
  });

  // staff PINs and approvals (issue 13)
  test('a terminal session holds the staff-keys document (its PIN unlocks an approver); a kitchen session never opens it', async () => {
    const now = Date.parse('2026-11-23T03:00:00Z');
    const open = async (kind: 'terminal' | 'kitchen', deviceId: string) => {
      const token = await relay.tokenFor(kind, { deviceId });
      const session = new DeviceSession(
        { serverUrl: relay.url, token, deviceId, tenant: 'demo', outlet: 'main', code: 'K', kind, name: deviceId, stations: [] },
        { now: () => now, storage: new MemoryStorage(), WebSocketPolyfill: TestWebSocket },
      );
      await session.open();
      return session;
    };
    const terminal = await open('terminal', 'T2');
    expect(terminal.staffKeys?.name).toBe('demo/main/staff-keys');
    await eventually(() => expect(readStaffKeyEnvelope(terminal.staffKeys!.doc, 'staff-budi')).not.toBeNull());
    expect(await openStaffKey(readStaffKeyEnvelope(terminal.staffKeys!.doc, 'staff-budi')!, '9999')).not.toBeNull();
    const kitchen = await open('kitchen', 'K1');
    expect(kitchen.staffKeys).toBeNull();
    await terminal.close();
    await kitchen.close();
  });
});
