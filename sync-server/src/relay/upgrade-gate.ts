/**
 * Token-less (or any) WebSocket upgrades are bounded before they cost a socket: the relay counts
 * upgrades that are not admitted yet — from the upgrade request until the connection has joined
 * its document, or until its socket is gone (a refused socket that does not answer the close
 * frame keeps its slot until the close linger ends it). Over `maxPendingPerIp` from one remote
 * address → HTTP 429 on the upgrade itself; over `maxPending` in all → HTTP 503. The count per
 * address is dropped as soon as it reaches zero, so the map holds only addresses with sockets.
 *
 * The remote address is `clientIp(req)` (default: the socket's peer address). Behind a TLS proxy
 * pass the trust-proxy-aware helper, or every client shares the proxy's address.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeGateLimits {
  maxPendingPerIp: number;
  maxPending: number;
}

export type GateDecision = { admit: true } | { admit: false; status: 429 | 503 };

/** The pure counter: decides and counts; `leave` once per admitted `enter`. */
export class PendingUpgrades {
  private readonly perIp = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: UpgradeGateLimits) {}

  get size(): number {
    return this.total;
  }

  /** Addresses with pending upgrades (for tests: the map does not grow with addresses that left). */
  get addresses(): number {
    return this.perIp.size;
  }

  enter(ip: string): GateDecision {
    const mine = this.perIp.get(ip) ?? 0;
    if (mine >= this.limits.maxPendingPerIp) return { admit: false, status: 429 };
    if (this.total >= this.limits.maxPending) return { admit: false, status: 503 };
    this.perIp.set(ip, mine + 1);
    this.total++;
    return { admit: true };
  }

  leave(ip: string): void {
    const mine = this.perIp.get(ip);
    if (mine === undefined) return;
    if (mine <= 1) this.perIp.delete(ip);
    else this.perIp.set(ip, mine - 1);
    this.total--;
  }
}

const STATUS_TEXT = { 429: 'Too Many Requests', 503: 'Service Unavailable' } as const;

/** The socket side: refuses on the raw upgrade socket, and hands the slot's release to the connection. */
export class UpgradeGate {
  readonly pending: PendingUpgrades;
  private readonly releases = new WeakMap<IncomingMessage, () => void>();
  /** Upgrades refused since start, by status (tests, metrics). */
  readonly refused = { 429: 0, 503: 0 };

  constructor(
    limits: UpgradeGateLimits,
    private readonly clientIp: (req: IncomingMessage) => string = (req) => req.socket.remoteAddress ?? 'unknown',
  ) {
    this.pending = new PendingUpgrades(limits);
  }

  /** True: go on with the upgrade. False: answered with 429/503 and ended. */
  gate(req: IncomingMessage, socket: Duplex): boolean {
    const ip = this.clientIp(req);
    const decision = this.pending.enter(ip);
    if (!decision.admit) {
      this.refused[decision.status]++;
      socket.end(`HTTP/1.1 ${decision.status} ${STATUS_TEXT[decision.status]}\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n`);
      return false;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      socket.off('close', release);
      this.pending.leave(ip);
    };
    socket.once('close', release);
    this.releases.set(req, release);
    return true;
  }

  /** The release of an upgrade's slot (call when admitted; the socket's close releases it too). */
  releaseOf(req: IncomingMessage): () => void {
    const release = this.releases.get(req);
    this.releases.delete(req);
    return release ?? (() => {});
  }
}
