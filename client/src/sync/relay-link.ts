/**
 * The shell around relay-choice.ts: one per device session, shared by all its documents. The
 * documents report how their connect attempts went, a timer probes the relays preferred over
 * the one in use (the box, while on the cloud), and every document follows `current` — so all
 * of them switch together.
 */
import { chooseRelay, DEFAULT_RELAY_CHOICE, observe, probesDue, type Relay, type RelayChoiceConfig, type RelayHealth } from './relay-choice';

export type { Relay, RelayKind } from './relay-choice';

/** A relay as the client holds it; `guessed`: the kind was not told (the page's own origin), so the status bar asks `/readyz`. */
export interface KnownRelay extends Relay {
  guessed?: boolean;
}

/** True when the relay answers (a WebSocket to it opens). */
export type RelayProbe = (relay: Relay) => Promise<boolean>;

export interface RelayLinkOptions {
  relays: readonly KnownRelay[];
  /** Absent: no probing (a single relay, or tests that drive observations by hand). */
  probe?: RelayProbe;
  now?: () => number;
  config?: Partial<RelayChoiceConfig>;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class RelayLink {
  readonly relays: readonly KnownRelay[];
  private health = new Map<string, RelayHealth>();
  private chosen: string;
  private readonly listeners = new Set<() => void>();
  private readonly config: RelayChoiceConfig;
  private readonly now: () => number;
  private timer: unknown = null;
  private probing = false;
  private closed = false;

  constructor(private readonly options: RelayLinkOptions) {
    if (options.relays.length === 0) throw new Error('RelayLink: no relays');
    this.relays = options.relays;
    this.config = { ...DEFAULT_RELAY_CHOICE, ...options.config };
    this.now = options.now ?? Date.now;
    this.chosen = chooseRelay(this.relays, this.health, null, this.now(), this.config);
    this.schedule();
  }

  /** The relay documents connect to now. */
  get current(): KnownRelay {
    return this.relays.find((r) => r.url === this.chosen)!;
  }

  /** A document's connect attempt to `url` succeeded or failed (a refusal is not a failure: the relay answered). */
  report(url: string, outcome: 'connected' | 'connect-failed'): void {
    if (this.closed || !this.relays.some((r) => r.url === url)) return;
    // Several documents report the same event; one failure of a relay already known down is not news.
    const last = this.health.get(url)?.last;
    if (outcome === 'connect-failed' && last && (last.kind === 'connect-failed' || last.kind === 'probe-failed') && url !== this.chosen) return;
    this.health = observe(this.health, url, { kind: outcome, at: this.now() });
    this.decide();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.cancelTimer();
    this.listeners.clear();
  }

  private decide(): void {
    const next = chooseRelay(this.relays, this.health, this.chosen, this.now(), this.config);
    if (next !== this.chosen) {
      this.chosen = next;
      for (const listener of [...this.listeners]) listener();
    }
    this.schedule();
  }

  private schedule(): void {
    this.cancelTimer();
    if (this.closed || !this.options.probe || this.probing) return;
    const due = probesDue(this.relays, this.health, this.chosen, this.now(), this.config);
    if (due.length === 0) return;
    const next = due.reduce((a, b) => (b.at < a.at ? b : a));
    const setTimer = this.options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.timer = setTimer(
      () => {
        this.timer = null;
        void this.runProbe(next.url);
      },
      Math.max(0, next.at - this.now()),
    );
  }

  private async runProbe(url: string): Promise<void> {
    const relay = this.relays.find((r) => r.url === url);
    if (!relay || !this.options.probe || this.closed) return;
    this.probing = true;
    let ok = false;
    try {
      ok = await this.options.probe(relay);
    } catch {
      ok = false;
    } finally {
      this.probing = false;
    }
    if (this.closed) return;
    this.health = observe(this.health, url, { kind: ok ? 'probe-ok' : 'probe-failed', at: this.now() });
    this.decide();
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    (this.options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.timer);
    this.timer = null;
  }
}

/**
 * The default probe: a WebSocket to the relay for a document this device may open, with its
 * token; "answers" once it opens (then it is closed at once). A WebSocket, not a fetch of
 * `/readyz`: the page's CSP lets it open sockets to any relay but fetch only from its own origin.
 */
export function webSocketProbe(options: { docName: string; token: () => string; timeoutMs?: number; WebSocketPolyfill?: typeof WebSocket }): RelayProbe {
  const Socket = options.WebSocketPolyfill ?? WebSocket;
  return (relay) =>
    new Promise<boolean>((resolve) => {
      let socket: WebSocket;
      try {
        socket = new Socket(`${relay.url}/${options.docName}?token=${encodeURIComponent(options.token())}`);
      } catch {
        return resolve(false);
      }
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.onopen = socket.onerror = socket.onclose = null;
        try {
          socket.close();
        } catch {
          // already closed
        }
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), options.timeoutMs ?? 5_000);
      socket.onopen = () => done(true);
      socket.onerror = () => done(false);
      socket.onclose = () => done(false);
    });
}
