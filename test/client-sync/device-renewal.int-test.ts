/**
 * A paired device's session renews its one-day token with the renewal key from pairing, against
 * the real API and relay (PGlite and PostgreSQL): before expiry (timer path), and on a 4401
 * refusal of an expired token, after which the documents reconnect with the new token and what
 * was written offline meanwhile reaches the server. A revoked device stops renewing.
 * The clock is injected into the API, the relay and the session (real time plus a test offset).
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '@kiosk/shared/testing';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { MemoryStorage, TestWebSocket } from '@kiosk/client/sync/testing';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '@kiosk/sync-server/testing';
import { DeviceSession, loadCredentials, type DeviceCredentials } from '@kiosk/client/sync';

describe.each(testDatabaseTargets())('device token renewal on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  let manager: string;
  const tenant = `renew-${target.name}`;

  async function pair(name: string): Promise<DeviceCredentials> {
    const code = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    const paired = await api.call('POST', '/api/pair', { body: { code: code.body.code, name, kind: 'terminal' } });
    expect(paired.status, JSON.stringify(paired.body)).toBe(201);
    return { ...paired.body, serverUrl: api.url };
  }

  beforeAll(async () => {
    store = await target.open();
    // A tenant per target: the sessions' IndexedDB copies (fake-indexeddb, one per process) are
    // keyed by document name, so a second target must not find the first one's documents.
    await seedTestTenant(store, tenant, 'demo.kiosk');
    api = await startApiServer({ store, now: clock }, { now: clock });
    const login = await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: 'demo1234' } });
    manager = login.body.accessToken;
    expect((await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('renews before expiry and after a 4401; offline work reaches the server with the new token', async () => {
    const credentials = await pair('Renewing till');
    expect(credentials.renewalKey).toBeTruthy();
    const storage = new MemoryStorage();
    const session = new DeviceSession(credentials, { now: clock, storage, WebSocketPolyfill: TestWebSocket });
    try {
      await session.open();
      const paired = session.credentials.token;

      // Two hours before the end: due (RENEW_BEFORE_MS is three). The stored pairing data gets the new token.
      offsetMs = credentials.expiresAt! - Date.now() - 2 * 3600_000;
      expect(await session.renewIfDue()).toBe(true);
      const renewed = session.credentials.token;
      expect(renewed).not.toBe(paired);
      expect(loadCredentials(storage)?.token).toBe(renewed);
      expect(loadCredentials(storage)?.renewalKey).toBe(credentials.renewalKey);
      expect(session.outlet.token).toBe(renewed);
      await eventually(() => expect(session.outlet.getState()).toMatchObject({ link: 'online' }));

      // Offline, past the renewed token's end: on reconnect the relay refuses it (4401), the
      // session renews and the documents reconnect; the offline write is stored.
      const day = session.day!;
      const stored = () => store.db.selectFrom('update_log').select('device_id').where('doc_name', '=', day.name).execute();
      day.doc.getMap('deviceSeq').set(credentials.deviceId, 1);
      await eventually(async () => expect((await stored()).length, JSON.stringify({ ...day.getState(), stored: null })).toBe(1), { timeoutMs: 20_000 });
      day.setNetwork(false);
      day.doc.getMap('deviceSeq').set(credentials.deviceId, 2);
      expect(day.getState().pending).toBeGreaterThan(0);
      offsetMs = session.credentials.expiresAt! - Date.now() + 60_000;
      day.setNetwork(true);
      await eventually(() => expect(session.credentials.token).not.toBe(renewed), { timeoutMs: 20_000 });
      await eventually(
        async () =>
          expect(
            (await stored()).map((r) => r.device_id),
            JSON.stringify({ ...day.getState(), stored: null }),
          ).toEqual([credentials.deviceId, credentials.deviceId]),
        {
          timeoutMs: 20_000,
        },
      );
      await eventually(() => expect(day.getState().pending).toBe(0), { timeoutMs: 20_000 });
      expect(day.getState().link).toBe('online');
    } finally {
      offsetMs = 0;
      await session.close();
    }
  });

  test('a revoked device is refused and stops renewing', async () => {
    const credentials = await pair('Doomed till');
    const session = new DeviceSession(credentials, { now: clock, storage: new MemoryStorage(), WebSocketPolyfill: TestWebSocket });
    try {
      await session.open();
      expect((await api.call('POST', `/api/outlets/main/devices/${credentials.deviceId}/revoke`, { token: manager })).status).toBe(200);
      await eventually(() => expect(session.outlet.getState().link).toBe('refused'));
      expect(await session.renewToken()).toBe(false);
      expect(session.credentials.token).toBe(credentials.token);
    } finally {
      await session.close();
    }
  });

  test('a device paired before renewal (no key) keeps its token and never calls the server to renew', async () => {
    const { renewalKey: _key, expiresAt: _exp, ...legacy } = await pair('Old till');
    let calls = 0;
    const session = new DeviceSession(legacy, {
      now: clock,
      storage: new MemoryStorage(),
      WebSocketPolyfill: TestWebSocket,
      renew: async () => {
        calls++;
        throw new Error('must not be called');
      },
    });
    try {
      await session.open();
      expect(await session.renewIfDue()).toBe(false);
      expect(await session.renewToken()).toBe(false);
      expect(calls).toBe(0);
      await eventually(() => expect(session.outlet.getState()).toMatchObject({ link: 'online' }));
    } finally {
      await session.close();
    }
  });
});
