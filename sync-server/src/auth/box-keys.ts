/**
 * The cloud's box keys (issue 14): a short-cached lookup of `box_keys` by key id, the default
 * `BoxKeyResolver` of `startSyncServer` and the back-office API. A box's key is set when it is
 * paired and revoked with it (`revoked_at`); the cache keeps an answer — found, revoked or
 * unknown — for `ttlMs` (default 5 s, the relay's `revocationCacheMs`), so a revocation takes
 * effect for new connections and API calls within that time at the latest, at once on the
 * server that revoked (`forget`).
 *
 * ```ts
 * const boxKeys = new BoxKeyCache(store);
 * await verifyToken(secret, token, { boxKeys: boxKeys.resolve });
 * ```
 */
import type { KioskDatabase } from '@kiosk/store';
import { BOX_KID_PREFIX, type BoxKey, type BoxKeyResolver } from './tokens';

export class BoxKeyCache {
  private readonly entries = new Map<string, { found: BoxKey | null; at: number }>();

  constructor(
    private readonly store: KioskDatabase,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The resolver (bound, pass it around as is). The lookup runs as the table owner: the kid is all a token names. */
  readonly resolve: BoxKeyResolver = async (kid) => {
    if (!kid.startsWith(BOX_KID_PREFIX)) return null;
    const hit = this.entries.get(kid);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.found;
    const row = await this.store.db
      .selectFrom('box_keys')
      .select(['key', 'tenant_id', 'outlet_id', 'revoked_at'])
      .where('box_device_id', '=', kid.slice(BOX_KID_PREFIX.length))
      .executeTakeFirst();
    const found: BoxKey | null = row ? { key: row.key, tenant: row.tenant_id, outlet: row.outlet_id, revoked: row.revoked_at !== null } : null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(kid, { found, at: this.now() });
    return found;
  };

  /** Drops a cached answer (after revoking the box here), so the next check reads the table. */
  forget(kid: string): void {
    this.entries.delete(kid);
  }
}

/**
 * The active key an outlet's devices get their tokens signed with: its paired box's, newest
 * first when a replaced box has not been revoked yet; null when the outlet has no box. Read
 * fresh (pairing and renewal are rare), as the owner.
 */
export async function activeBoxKeyOf(store: KioskDatabase, tenant: string, outlet: string): Promise<{ kid: string; key: string } | null> {
  const row = await store.db
    .selectFrom('box_keys')
    .select(['box_device_id', 'key'])
    .where('tenant_id', '=', tenant)
    .where('outlet_id', '=', outlet)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('box_device_id')
    .executeTakeFirst();
  return row ? { kid: `${BOX_KID_PREFIX}${row.box_device_id}`, key: row.key } : null;
}
