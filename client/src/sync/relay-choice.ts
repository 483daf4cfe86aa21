/**
 * Which relay a device syncs through, decided from what it has observed. Pure: the clock is a
 * parameter, and the shell (relay-link.ts) only feeds observations in and acts on the answer.
 *
 * A device may know a LAN box and the cloud. The box is preferred whenever it answers (its last
 * connect attempt succeeded, or a probe succeeded within `probeFreshMs`), else the cloud. While
 * on a fallback, every relay preferred over it is probed with exponential backoff, so the device
 * returns to the box as soon as it answers again. Switching loses nothing: the documents are
 * CRDTs and the same Y.Doc syncs with whichever relay it meets.
 *
 * ```ts
 * let health = new Map<string, RelayHealth>();
 * health = observe(health, box.url, { kind: 'connect-failed', at: now });
 * chooseRelay(relays, health, box.url, now); // → cloud.url
 * ```
 */
import { unreachable } from '@kiosk/shared';

export type RelayKind = 'box' | 'cloud';

/** A relay the device may use: `url` is its sync WebSocket base (`wss://host/sync`). */
export interface Relay {
  kind: RelayKind;
  url: string;
}

export type RelayObservation =
  { kind: 'connected'; at: number } | { kind: 'connect-failed'; at: number } | { kind: 'probe-ok'; at: number } | { kind: 'probe-failed'; at: number };

export interface RelayHealth {
  /** The latest observation of this relay (null: never tried). */
  last: RelayObservation | null;
  /** Failed attempts (connects and probes) since the last success: drives the probe backoff. */
  failures: number;
}

export interface RelayChoiceConfig {
  /** A successful probe counts as "answers" for this long (ms). */
  probeFreshMs: number;
  /** First probe delay after a failure (ms); doubled after each further failure. */
  probeBaseMs: number;
  /** Upper bound of the probe delay (ms). */
  probeMaxMs: number;
}

export const DEFAULT_RELAY_CHOICE: RelayChoiceConfig = { probeFreshMs: 30_000, probeBaseMs: 2_000, probeMaxMs: 60_000 };

const RANK: Record<RelayKind, number> = { box: 0, cloud: 1 };

/** Boxes first, then the cloud; the list's own order within a kind. */
export function preferenceOrder<R extends Relay>(relays: readonly R[]): R[] {
  return relays
    .map((relay, index) => ({ relay, index }))
    .sort((a, b) => RANK[a.relay.kind] - RANK[b.relay.kind] || a.index - b.index)
    .map((e) => e.relay);
}

const NEVER: RelayHealth = { last: null, failures: 0 };

/** The health map with one more observation of `url` (a new map; the input is not changed). */
export function observe(health: ReadonlyMap<string, RelayHealth>, url: string, observation: RelayObservation): Map<string, RelayHealth> {
  const before = health.get(url) ?? NEVER;
  const ok = observation.kind === 'connected' || observation.kind === 'probe-ok';
  const next = new Map(health);
  next.set(url, { last: observation, failures: ok ? 0 : before.failures + 1 });
  return next;
}

/** Does the relay answer? `unknown`: never tried, or a successful probe that is no longer fresh. */
export function answers(health: RelayHealth | undefined, now: number, config: RelayChoiceConfig = DEFAULT_RELAY_CHOICE): 'yes' | 'no' | 'unknown' {
  const last = health?.last;
  if (!last) return 'unknown';
  switch (last.kind) {
    case 'connected':
      return 'yes';
    case 'probe-ok':
      return now - last.at <= config.probeFreshMs ? 'yes' : 'unknown';
    case 'connect-failed':
    case 'probe-failed':
      return 'no';
    default:
      return unreachable(last, 'relay observation');
  }
}

/**
 * The url of the relay to use: the most preferred one that answers; else the most preferred one
 * not known to fail (worth a try); else, when none answers, the current one (no switching back
 * and forth while everything is down — the socket keeps retrying and the probes keep running).
 */
export function chooseRelay(
  relays: readonly Relay[],
  health: ReadonlyMap<string, RelayHealth>,
  current: string | null,
  now: number,
  config: RelayChoiceConfig = DEFAULT_RELAY_CHOICE,
): string {
  const ordered = preferenceOrder(relays);
  if (ordered.length === 0) throw new Error('chooseRelay: no relays');
  const verdicts = ordered.map((r) => answers(health.get(r.url), now, config));
  const yes = verdicts.indexOf('yes');
  if (yes >= 0) return ordered[yes]!.url;
  const unknown = verdicts.indexOf('unknown');
  if (unknown >= 0) return ordered[unknown]!.url;
  if (current !== null && ordered.some((r) => r.url === current)) return current;
  return ordered[0]!.url;
}

/** Delay before the next probe after `failures` failed attempts: base · 2^(failures−1), capped. */
export function probeDelay(failures: number, config: RelayChoiceConfig = DEFAULT_RELAY_CHOICE): number {
  if (failures <= 0) return config.probeBaseMs;
  return Math.min(config.probeMaxMs, config.probeBaseMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * When to probe each relay preferred over `chosen` that does not answer (epoch ms; at or before
 * `now` means due). The chosen relay itself is never probed: its socket is the probe.
 */
export function probesDue(
  relays: readonly Relay[],
  health: ReadonlyMap<string, RelayHealth>,
  chosen: string,
  now: number,
  config: RelayChoiceConfig = DEFAULT_RELAY_CHOICE,
): Array<{ url: string; at: number }> {
  const due: Array<{ url: string; at: number }> = [];
  for (const relay of preferenceOrder(relays)) {
    if (relay.url === chosen) break;
    const h = health.get(relay.url);
    if (answers(h, now, config) === 'yes') continue;
    due.push({ url: relay.url, at: h?.last ? h.last.at + probeDelay(h.failures, config) : now });
  }
  return due;
}
