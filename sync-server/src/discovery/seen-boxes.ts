/**
 * The list of other boxes heard lately (pure: the clock is passed in). `browse.ts` records every
 * answer it hears; an entry that has not answered for `maxAgeMs` drops out, so a box that was
 * unplugged without saying goodbye leaves the setup page after a few query rounds.
 */
import type { FoundBox } from './box-record';

export interface SeenBoxesOptions {
  /** An entry not heard from for this long is gone. */
  maxAgeMs: number;
  now?: () => number;
}

export class SeenBoxes {
  readonly #entries = new Map<string, { box: FoundBox; lastSeen: number }>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: SeenBoxesOptions) {
    if (!(options.maxAgeMs > 0)) throw new Error(`maxAgeMs must be positive, got ${options.maxAgeMs}`);
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /** `key` is the service's DNS-SD full name: one entry per announcing box. */
  seen(key: string, box: FoundBox): void {
    this.#entries.set(key, { box, lastSeen: this.#now() });
  }

  /** The box said goodbye (a TTL-0 record). */
  gone(key: string): void {
    this.#entries.delete(key);
  }

  /** Boxes heard within `maxAgeMs`, by name then URL; expired entries are dropped. */
  list(): FoundBox[] {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (now - entry.lastSeen > this.#maxAgeMs) this.#entries.delete(key);
    }
    return [...this.#entries.values()].map((e) => e.box).sort((a, b) => a.name.localeCompare(b.name) || a.url.localeCompare(b.url));
  }
}
