/**
 * Embedded PGlite on a worker thread, behind the part of PGlite's interface that Kysely's
 * `PGliteDialect` and `connect.ts` use (`query`, `transaction`, `listen`, `close`, `ready`).
 *
 * Why: PGlite executes PostgreSQL (WASM) synchronously on the calling thread. In one process
 * with the relay, every commit and every long report would stall the event loop that relays
 * updates to kitchen displays; on a worker the main thread only posts messages. Semantics are
 * PGlite's own: one instance, statements outside a transaction wait while one is open.
 */
import { Worker } from 'node:worker_threads';
import type { PGlite as DialectPGlite, PGliteQueryResults, PGliteTransaction } from 'kysely';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { message: string } & Record<string, unknown> };
type Message = Reply | { notify: string; payload: string } | { ready: true };

/** A PostgreSQL error from the worker, with its fields (`code`, `detail`, `constraint`, …). */
function toError(fields: { message: string } & Record<string, unknown>): Error {
  const error = new Error(fields.message);
  for (const [key, value] of Object.entries(fields)) if (key !== 'message') (error as unknown as Record<string, unknown>)[key] = value;
  return error;
}

export class PGliteThread implements DialectPGlite {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private nextId = 1;
  closed = false;
  ready = false;
  readonly waitReady: Promise<void>;

  private constructor(dataDir: string | undefined) {
    this.worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
    let started!: { resolve(): void; reject(error: Error): void };
    this.waitReady = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
    this.worker.on('message', (message: Message) => {
      if ('ready' in message) {
        this.ready = true;
        started.resolve();
      } else if ('notify' in message) {
        for (const listener of this.listeners.get(message.notify) ?? []) listener(message.payload);
      } else {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.result);
        else waiter?.reject(toError(message.error));
      }
    });
    const stop = (error: Error) => {
      this.closed = true;
      started.reject(error);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => stop(error instanceof Error ? error : new Error(String(error))));
    this.worker.on('exit', (code) => stop(new Error(`the PGlite worker exited (code ${code})`)));
  }

  /** Starts the worker and opens the database (in memory without `dataDir`). */
  static async create(dataDir: string | undefined): Promise<PGliteThread> {
    const thread = new PGliteThread(dataDir);
    await thread.waitReady;
    return thread;
  }

  private call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the PGlite worker is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  query<T>(sql: string, params: unknown[] = []): Promise<PGliteQueryResults<T>> {
    return this.call<PGliteQueryResults<T>>({ op: 'query', sql, params });
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
    const { tx } = await this.call<{ tx: number }>({ op: 'begin' });
    let rolledBack = false;
    const handle: PGliteTransaction = {
      query: <R>(sql: string, params: unknown[] = []) => this.call<PGliteQueryResults<R>>({ op: 'query', sql, params, tx }),
      rollback: async () => {
        rolledBack = true;
        await this.call({ op: 'rollback', tx });
      },
    };
    let result: T;
    try {
      result = await fn(handle);
    } catch (error) {
      if (rolledBack) throw error;
      await this.call({ op: 'rollback', tx });
      throw error;
    }
    if (!rolledBack) await this.call({ op: 'commit', tx });
    return result;
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.call({ op: 'listen', channel });
    }
    set.add(onNotify);
    return async () => {
      set.delete(onNotify);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        if (!this.closed) await this.call({ op: 'unlisten', channel });
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.call({ op: 'close' });
    this.closed = true;
    await this.worker.terminate();
  }
}
