/**
 * Child process of the rebuild kill -9 test (`projector/src/maintenance/rebuild.pg-test.ts`):
 * runs `rebuild` and, once REBUILD_PAUSE_AT update-log rows are in the shadow, blocks its own
 * thread (nothing more is written, the connection, the lease and the shadow stay as they are)
 * and says `paused`, so the parent kills it at a known point in the middle of the rebuild.
 *
 * Environment: REBUILD_DB (postgres:// URL or PGlite data directory), REBUILD_BATCH (log rows
 * per batch), REBUILD_PAUSE_AT (rows; 0 = never pause, finish and print `done`).
 */
import { writeSync } from 'node:fs';
import { connectDatabase } from '@kiosk/store';
import { rebuild } from '../maintenance/rebuild';

const env = process.env;
const store = await connectDatabase(/^postgres/.test(env.REBUILD_DB ?? '') ? { url: env.REBUILD_DB, poolSize: 2 } : { dataDir: env.REBUILD_DB });
const pauseAt = Number(env.REBUILD_PAUSE_AT ?? 0);
// Synchronous writes: the parent must see the line even though this thread then blocks.
const say = (line: string) => writeSync(1, `${line}\n`);
say('ready');
await rebuild({
  store,
  batchSize: Number(env.REBUILD_BATCH ?? 50),
  onProgress: ({ done }) => {
    say(`progress ${done}`);
    if (pauseAt > 0 && done >= pauseAt) {
      say('paused');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    }
  },
});
await store.close();
say('done');
process.exit(0);
