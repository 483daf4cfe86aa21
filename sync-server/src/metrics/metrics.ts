/**
 * Prometheus metrics of one server. Each server has its own `Registry` (never prom-client's
 * global one) so a test process can run many servers side by side.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayMemoryStats } from '../relay/relay';

/** Where an applied update came from (label `source` of kiosk_relay_updates_total). */
export type UpdateSource = 'device' | 'server' | 'tail' | 'upstream';

export interface RelayMetrics {
  readonly registry: Registry;
  readonly updates: Counter<'source'>;
  readonly persistedUpdates: Counter;
  readonly persistedBytes: Counter;
  readonly persistSeconds: Histogram;
  readonly persistFailures: Counter;
  /** Label `reason`: a `RefusalReason` of '@kiosk/shared'. */
  readonly refused: Counter<'reason'>;
  readonly messages: Counter<'type'>;
  readonly acks: Counter;
}

/** Message types counted in `kiosk_relay_messages_total`. */
export type MessageCounters = Record<'sync_step1' | 'sync_step2' | 'sync_update' | 'awareness' | 'query_awareness', { inc(): void }>;

/** Label children bound once: the hot path then skips prom-client's label hashing. */
export interface BoundCounters {
  messages: MessageCounters;
  updates: Record<UpdateSource, { inc(): void }>;
}

export function bindCounters(m: RelayMetrics): BoundCounters {
  return {
    messages: {
      sync_step1: m.messages.labels({ type: 'sync_step1' }),
      sync_step2: m.messages.labels({ type: 'sync_step2' }),
      sync_update: m.messages.labels({ type: 'sync_update' }),
      awareness: m.messages.labels({ type: 'awareness' }),
      query_awareness: m.messages.labels({ type: 'query_awareness' }),
    },
    updates: {
      device: m.updates.labels({ source: 'device' }),
      server: m.updates.labels({ source: 'server' }),
      tail: m.updates.labels({ source: 'tail' }),
      upstream: m.updates.labels({ source: 'upstream' }),
    },
  };
}

export interface MetricSources {
  connections(): number;
  loadedDocs(): number;
  queuedUpdates(): number;
  upstreamLinks(): { connected: number; total: number };
  /** `RelayCore.memoryStats()`, read once per scrape (null before the relay started). Absent: no memory gauges. */
  memory?(): RelayMemoryStats | null;
}

/** Gauges of `RelayMemoryStats`: what devices can make the relay hold (see relay/README.md, memory limits). */
const MEMORY_GAUGES: ReadonlyArray<[name: string, help: string, figure: keyof Omit<RelayMemoryStats, 'upgradesRefused'>]> = [
  ['kiosk_relay_awareness_states', 'Presence states held, over every loaded document', 'awarenessStates'],
  ['kiosk_relay_awareness_meta_entries', 'y-protocols awareness.meta entries held', 'awarenessMeta'],
  ['kiosk_relay_awareness_owned_ids', 'Presence client ids owned by a connection', 'awarenessOwnedIds'],
  ['kiosk_relay_awareness_tombstones', 'Presence tombstones held', 'awarenessTombstones'],
  ['kiosk_relay_awareness_dropped_entries', 'Presence entries dropped since start (foreign, echoes, made up)', 'awarenessDropped'],
  ['kiosk_relay_buffered_bytes', 'Bytes waiting in WebSocket send buffers, over every connection', 'bufferedBytes'],
  ['kiosk_relay_lagging_readers', 'Connections whose send buffer is over the slow-reader limit', 'laggingReaders'],
  ['kiosk_relay_slow_readers_terminated', 'Slow readers terminated since start', 'slowReadersTerminated'],
  ['kiosk_relay_pending_upgrades', 'WebSocket upgrades being authenticated', 'pendingUpgrades'],
];

function memoryGauges(memory: () => RelayMemoryStats | null, registers: Registry[]): void {
  // One walk of the relay per scrape, shared by every gauge: the first collect() reads, the rest reuse.
  let cached: { at: number; stats: RelayMemoryStats | null } | null = null;
  const read = () => {
    const now = Date.now();
    if (!cached || now - cached.at > 1_000) cached = { at: now, stats: memory() };
    return cached.stats;
  };
  for (const [name, help, figure] of MEMORY_GAUGES) {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read()?.[figure] ?? 0);
      },
    });
  }
  new Gauge({
    name: 'kiosk_relay_upgrades_refused',
    help: 'WebSocket upgrades refused since start, by HTTP status (429 per address, 503 overall)',
    labelNames: ['status'],
    registers,
    collect() {
      const refused = read()?.upgradesRefused ?? { 429: 0, 503: 0 };
      this.set({ status: '429' }, refused[429]);
      this.set({ status: '503' }, refused[503]);
    },
  });
}

export function createRelayMetrics(sources: MetricSources, options: { defaultMetrics?: boolean } = {}): RelayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'kiosk_' });
  const registers = [registry];
  new Gauge({
    name: 'kiosk_relay_connections',
    help: 'Open WebSocket connections (one document each)',
    registers,
    collect() {
      this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'kiosk_relay_loaded_docs',
    help: 'Documents held in memory',
    registers,
    collect() {
      this.set(sources.loadedDocs());
    },
  });
  new Gauge({
    name: 'kiosk_relay_persist_queue_updates',
    help: 'Accepted updates not yet written to the update log',
    registers,
    collect() {
      this.set(sources.queuedUpdates());
    },
  });
  new Gauge({
    name: 'kiosk_relay_upstream_links',
    help: 'LAN box: upstream document links, by state',
    labelNames: ['state'],
    registers,
    collect() {
      const { connected, total } = sources.upstreamLinks();
      this.set({ state: 'connected' }, connected);
      this.set({ state: 'disconnected' }, total - connected);
    },
  });
  if (sources.memory) memoryGauges(sources.memory.bind(sources), registers);
  return {
    registry,
    updates: new Counter({ name: 'kiosk_relay_updates_total', help: 'Updates applied to documents (rate() = updates/s)', labelNames: ['source'], registers }),
    persistedUpdates: new Counter({ name: 'kiosk_relay_persisted_updates_total', help: 'Update log rows written', registers }),
    persistedBytes: new Counter({ name: 'kiosk_relay_persisted_bytes_total', help: 'Bytes of updates written to the update log', registers }),
    persistSeconds: new Histogram({
      name: 'kiosk_relay_persist_seconds',
      help: 'Duration of one group commit (batch write) to the update log',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    persistFailures: new Counter({ name: 'kiosk_relay_persist_failures_total', help: 'Failed batch writes (retried)', registers }),
    refused: new Counter({
      name: 'kiosk_relay_refused_total',
      help: 'Refused connections, messages and updates, by reason',
      labelNames: ['reason'],
      registers,
    }),
    messages: new Counter({ name: 'kiosk_relay_messages_total', help: 'Messages received, by protocol type', labelNames: ['type'], registers }),
    acks: new Counter({ name: 'kiosk_relay_stored_acks_total', help: 'Stored-state acknowledgements (sync step 1) sent', registers }),
  };
}
