/**
 * `kiosk rebuild`'s command shell on PGlite and PostgreSQL: exit 0 with the figures after a swap,
 * exit 1 with every refused order listed (and the live rows unchanged), exit 2 when a projector
 * holds the lease.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { appendUpdates, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { startProjector } from '@kiosk/projector';
import { Workload } from '@kiosk/projector/testing';
import { runRebuild } from './rebuild-command';

const quiet = { info() {}, warn() {}, error() {} };
const T0 = Date.parse('2026-11-22T03:00:00Z');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { progress: () => {}, out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe.each(testDatabaseTargets())('kiosk rebuild on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store.close();
  });

  test('exit 0 after a swap, 1 with the refused orders listed, 2 while a projector runs', async () => {
    const w = await Workload.create({ seed: 21 });
    await appendUpdates(store.db, [w.outletUpdate(), ...Array.from({ length: 5 }, (_, i) => w.order(i, T0 + i * 1000))]);
    const projector = await startProjector({ store, logger: quiet, pollMs: 200 });
    await projector.waitForIdle();

    const busy = capture();
    expect(await runRebuild(store, busy.output)).toBe(2);
    expect(busy.err.join('\n')).toMatch(/projectors are running/);
    await projector.close();

    const ok = capture();
    expect(await runRebuild(store, ok.output)).toBe(0);
    expect(ok.out[0]).toMatch(/^rebuilt: 5 orders from \d+ updates .* \(swap \d+ ms\)/);

    // An order the database refuses (a check constraint the shadow copies stands in for any such row).
    const poison = w.order(0, T0 + 60_000);
    await appendUpdates(store.db, [poison]);
    await sql`alter table orders add constraint refuse_poison check (id <> ${sql.lit(poison.orderId)})`.execute(store.db);
    try {
      const refused = capture();
      expect(await runRebuild(store, refused.output)).toBe(1);
      expect(refused.err.join('\n')).toContain(`order ${poison.orderId} (2026-11-22)`);
      expect(await store.db.selectFrom('orders').select('id').execute()).toHaveLength(5);
    } finally {
      await sql`alter table orders drop constraint refuse_poison`.execute(store.db);
    }
  });
});
