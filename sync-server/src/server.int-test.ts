import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { connectDatabase, migrateToLatest } from '@kiosk/store';
import { CloseCode } from '@kiosk/shared';
import { eventually, orderIds, putTestOrder } from '@kiosk/shared/testing';
import type { RelayCore } from './relay/relay';
import { startTestRelay, type TestRelay } from './testing/start-test-relay';

describe('sync server', () => {
  let relay: TestRelay;
  let dist: string;
  const mounted: string[] = [];
  beforeAll(async () => {
    dist = await mkdtemp(path.join(tmpdir(), 'kiosk-dist-'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>kiosk</title>');
    await writeFile(path.join(dist, 'app.js'), 'console.log("app")');
    relay = await startTestRelay({
      clientDist: dist,
      unloadAfterMs: 100,
      compactAfterRows: 5,
      mountApi: (app, r) => {
        mounted.push(r.instanceId);
        app.get('/api/ping', (_req, res) => {
          res.json({ pong: true });
        });
      },
    });
  });
  afterAll(async () => {
    await relay?.close();
    await rm(dist, { recursive: true, force: true });
  });

  test('serves the client with SPA fallback, but never for /sync, /api, /healthz, /readyz, /metrics', async () => {
    const get = (p: string) => fetch(`${relay.url}${p}`);
    expect(await (await get('/pos/order/123')).text()).toContain('<title>kiosk</title>');
    expect(await (await get('/app.js')).text()).toContain('console.log');
    expect(await (await get('/api/ping')).json()).toEqual({ pong: true });
    expect(mounted).toEqual([relay.server.relay.instanceId]);
    const apiMiss = await get('/api/nope');
    expect(apiMiss.status).toBe(404);
    expect(await apiMiss.text()).not.toContain('<title>');
    expect((await get('/sync/demo/main')).status).toBe(404);
    expect(await (await get('/metrics')).text()).toContain('kiosk_relay_connections');
  });

  test('transactDoc: a server-side edit is broadcast, logged with the actor, and resolves once stored', async () => {
    const doc = 'demo/main';
    const client = relay.client(doc, await relay.tokenFor('kitchen', { deviceId: 'K-srv' }));
    await client.synced();
    await relay.server.relay.transactDoc(doc, { deviceId: 'office:owner@demo' }, (d) => d.getMap('items').set('kopi', { price: 18_000 }));
    const rows = await relay.store.db.selectFrom('update_log').select(['device_id']).where('doc_name', '=', doc).execute();
    expect(rows.map((r) => r.device_id)).toEqual(['office:owner@demo']);
    await eventually(() => expect(client.doc.getMap('items').get('kopi')).toEqual({ price: 18_000 }));
    await expect(relay.server.relay.transactDoc('Not A Doc', { deviceId: 'x' }, () => {})).rejects.toThrow(/document name/);
  });

  test('awareness (presence) is relayed and removed when a client leaves', async () => {
    const doc = 'demo/main/2026-08-01';
    const a = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-aw' }));
    const b = relay.client(doc, await relay.tokenFor('kitchen', { deviceId: 'K-aw' }));
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField('user', { name: 'Sari' });
    await eventually(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: 'Sari' } }));
    a.destroy();
    await eventually(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false));
  });

  test('an idle document with many rows is compacted when it unloads', async () => {
    const doc = 'demo/main/2026-08-02';
    const a = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-cmp' }));
    await a.synced();
    for (let i = 0; i < 10; i++) {
      putTestOrder(a.doc, doc, { id: `o${i}`, deviceId: 'T-cmp' });
      await relay.server.relay.flush();
    }
    await eventually(async () => expect(await relay.store.db.selectFrom('update_log').select('id').where('doc_name', '=', doc).execute()).toHaveLength(10));
    const expected = orderIds(a.doc);
    a.destroy();
    await eventually(async () => {
      const snap = await relay.store.db.selectFrom('doc_snapshots').select(['upto_id']).where('doc_name', '=', doc).executeTakeFirst();
      expect(snap?.upto_id).toBeGreaterThan(0);
    });
    const b = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-cmp' }));
    await b.synced();
    expect(orderIds(b.doc)).toEqual(expected);
  });
});

describe('graceful shutdown', () => {
  test('closes clients with 1013 and writes everything accepted before it', async () => {
    const relay = await startTestRelay({ flushDelayMs: 1_000 });
    try {
      const doc = 'demo/main/2026-08-03';
      const c = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-bye' }));
      await c.synced();
      putTestOrder(c.doc, doc, { id: 'last-order', deviceId: 'T-bye' });
      // accepted (applied) but still queued: the long flush delay keeps it in memory
      await eventually(async () => expect((await relay.server.relay.getDoc(doc)).getMap('orders').has('last-order')).toBe(true));
      expect(relay.server.relay.stats().queuedUpdates).toBe(1);
      await relay.server.close();
      await eventually(() => expect(c.closes[0]?.code).toBe(CloseCode.tryAgain));
      expect(c.closes[0].reason).toMatch(/shutting down/);
      const rows = await relay.store.db.selectFrom('update_log').select('update').where('doc_name', '=', doc).execute();
      const stored = new Y.Doc();
      for (const r of rows) Y.applyUpdate(stored, r.update);
      expect(stored.getMap('orders').has('last-order')).toBe(true);
      // no new connections
      await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
    } finally {
      await relay.close();
    }
  });
});

describe('database outage', () => {
  test('a failed write keeps the updates, keeps the document loaded, and retries until stored', async () => {
    const relay = await startTestRelay({ flushDelayMs: 5, unloadAfterMs: 50 });
    try {
      const doc = 'demo/main/2026-08-04';
      const c = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-outage' }));
      await c.synced();
      await sql`alter table update_log rename to update_log_away`.execute(relay.store.db);
      putTestOrder(c.doc, doc, { id: 'during-outage', deviceId: 'T-outage' });
      await eventually(async () => expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(/kiosk_relay_persist_failures_total [1-9]/));
      c.destroy();
      // idle, but it holds an unwritten update: it must stay loaded through several retries
      // (the third failed retry comes well after the 50 ms unload grace period)
      await eventually(async () => expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(/kiosk_relay_persist_failures_total ([3-9]|\d\d)/));
      expect((relay.server.relay as RelayCore).isLoaded(doc)).toBe(true);
      await sql`alter table update_log_away rename to update_log`.execute(relay.store.db);
      await eventually(
        async () => {
          const rows = await relay.store.db.selectFrom('update_log').select('update').where('doc_name', '=', doc).execute();
          const stored = new Y.Doc();
          for (const r of rows) Y.applyUpdate(stored, r.update);
          expect(stored.getMap('orders').has('during-outage')).toBe(true);
        },
        { timeoutMs: 15_000 },
      );
      await eventually(() => expect((relay.server.relay as RelayCore).isLoaded(doc)).toBe(false));
    } finally {
      await relay.close();
    }
  });
});

describe('readiness', () => {
  test('a failed check is 503 with no error text (it may name tables, hosts or users); the error goes to the log', async () => {
    const logged: string[] = [];
    const store = await connectDatabase({});
    await migrateToLatest(store.db);
    const relay = await startTestRelay({ store, log: (m) => logged.push(m) });
    try {
      await sql`alter table kysely_migration rename to kysely_migration_away`.execute(store.db);
      const behind = await fetch(`${relay.url}/readyz`);
      const behindText = await behind.text();
      expect(behind.status).toBe(503);
      expect(JSON.parse(behindText)).toEqual({ status: 'not ready', database: true, migrations: false });
      await sql`alter table kysely_migration_away rename to kysely_migration`.execute(store.db);
      await eventually(async () => expect((await fetch(`${relay.url}/readyz`)).status).toBe(200));

      await store.close(); // the database goes away under the running server
      const down = await fetch(`${relay.url}/readyz`);
      const downText = await down.text();
      expect(down.status).toBe(503);
      expect(JSON.parse(downText)).toEqual({ status: 'not ready', database: false, migrations: false });
      expect(logged.join('\n')).toMatch(/readiness check failed: \S/);
      const message = logged.find((m) => m.startsWith('readiness check failed'))!.slice('readiness check failed: '.length);
      expect(downText).not.toContain(message);
    } finally {
      await relay.close().catch(() => {});
    }
  });
});
