// PGlite in a worker thread (see pglite-thread.ts). PGlite runs PostgreSQL compiled to WASM
// synchronously on whatever thread calls it; here that is this worker, so a commit or a long
// report never stalls the relay's event loop. Plain JavaScript so the worker needs no loader.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// Same parsers as connect.ts: int8 and numeric → number, date → 'YYYY-MM-DD' string.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

const pglite = await PGlite.create(workerData.dataDir ?? undefined, {
  parsers: { [INT8]: (v) => Number(v), [DATE]: (v) => v, [NUMERIC]: (v) => Number(v) },
});

/** Open transactions: id → the PGlite transaction handle and how to end it. */
const transactions = new Map();
let nextTransaction = 1;
const listeners = new Map();

function errorFields(error) {
  const fields = { message: error instanceof Error ? error.message : String(error) };
  if (error && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) {
      if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
      fields[key] = value;
    }
  }
  return fields;
}

const reply = (id, result) => parentPort.postMessage({ id, ok: true, result });
const fail = (id, error) => parentPort.postMessage({ id, ok: false, error: errorFields(error) });

async function handle(message) {
  const { id, op } = message;
  try {
    switch (op) {
      case 'query': {
        const target = message.tx ? transactions.get(message.tx)?.handle : pglite;
        if (!target) throw new Error(`transaction ${message.tx} is not open`);
        const { rows, affectedRows, fields } = await target.query(message.sql, message.params, { rowMode: 'object' });
        reply(id, { rows, affectedRows, fields });
        return;
      }
      case 'begin': {
        const tx = nextTransaction++;
        let end;
        const ended = new Promise((resolve, reject) => (end = { resolve, reject }));
        const closed = pglite.transaction(async (handle) => {
          transactions.get(tx).handle = handle;
          reply(id, { tx });
          await ended;
        });
        transactions.set(tx, { handle: null, end, closed });
        // A failure before the callback ran (the begin itself) is this request's error.
        closed.catch((error) => {
          if (transactions.get(tx)?.handle === null) {
            transactions.delete(tx);
            fail(id, error);
          }
        });
        return;
      }
      case 'commit':
      case 'rollback': {
        const state = transactions.get(message.tx);
        if (!state) throw new Error(`transaction ${message.tx} is not open`);
        if (op === 'commit') state.end.resolve();
        else state.end.reject(new Error('rolled back'));
        try {
          await state.closed;
          reply(id, null);
        } catch (error) {
          if (op === 'rollback') reply(id, null);
          else fail(id, error);
        } finally {
          transactions.delete(message.tx);
        }
        return;
      }
      case 'listen': {
        const unsubscribe = await pglite.listen(message.channel, (payload) => parentPort.postMessage({ notify: message.channel, payload }));
        listeners.set(message.channel, unsubscribe);
        reply(id, null);
        return;
      }
      case 'unlisten': {
        await listeners.get(message.channel)?.();
        listeners.delete(message.channel);
        reply(id, null);
        return;
      }
      case 'close': {
        if (!pglite.closed) await pglite.close();
        reply(id, null);
        return;
      }
      default:
        throw new Error(`unknown operation ${op}`);
    }
  } catch (error) {
    fail(id, error);
  }
}

parentPort.on('message', (message) => void handle(message));
parentPort.postMessage({ ready: true });
