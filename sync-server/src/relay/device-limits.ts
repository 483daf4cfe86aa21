/**
 * Per-device limits: a token bucket of messages and a count of open documents (sockets).
 * Per device, not per IP: a shop's devices share one IP behind its router. Keyed by
 * tenant/outlet/device, because device ids are only unique within an outlet.
 * The bucket functions are pure: the caller passes the clock.
 */
import type { TokenClaims } from '../auth/tokens';

export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimit {
  /** Burst size (messages). */
  capacity: number;
  /** Sustained messages per second. */
  refillPerSecond: number;
}

export function createBucket(limit: RateLimit, now: number): TokenBucket {
  return { tokens: limit.capacity, updatedAt: now };
}

/** Takes `cost` tokens if available; returns false (and takes nothing) otherwise. */
export function takeToken(bucket: TokenBucket, limit: RateLimit, now: number, cost = 1): boolean {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  bucket.tokens = Math.min(limit.capacity, bucket.tokens + elapsed * limit.refillPerSecond);
  bucket.updatedAt = now;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}

export interface DeviceState {
  bucket: TokenBucket;
  sockets: number;
}

export function deviceKey(claims: TokenClaims): string {
  return `${claims.tenant}/${claims.outlet}/${claims.deviceId}`;
}

export class DeviceLimits {
  private readonly devices = new Map<string, DeviceState>();

  constructor(
    readonly limits: { readonly maxDocsPerDevice: number; readonly rateLimit: RateLimit },
    private readonly now: () => number,
  ) {}

  /** The device's state (created with a full bucket on first sight). */
  stateOf(claims: TokenClaims): DeviceState {
    const key = deviceKey(claims);
    let state = this.devices.get(key);
    if (!state) {
      state = { bucket: createBucket(this.limits.rateLimit, this.now()), sockets: 0 };
      this.devices.set(key, state);
    }
    return state;
  }

  /** Documents the device holds open now. */
  openDocs(claims: TokenClaims): number {
    return this.stateOf(claims).sockets;
  }

  socketOpened(claims: TokenClaims): void {
    this.stateOf(claims).sockets++;
  }

  socketClosed(claims: TokenClaims): void {
    const key = deviceKey(claims);
    const device = this.devices.get(key);
    if (!device) return;
    device.sockets--;
    // Forget idle devices so the map does not grow with every device ever seen.
    if (device.sockets === 0 && device.bucket.tokens >= this.limits.rateLimit.capacity) this.devices.delete(key);
  }

  /** Takes one message from the device's bucket; false when it is over its rate. */
  takeMessage(claims: TokenClaims): boolean {
    return takeToken(this.stateOf(claims).bucket, this.limits.rateLimit, this.now());
  }
}
