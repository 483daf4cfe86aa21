/**
 * Token revocation: a row in `revoked_tokens` kills a token before it expires. The relay checks
 * it at connect time through a short cache (a revoked token may still open a socket for up to
 * `ttlMs`; `relay.disconnect({ tokenId })` closes the live ones at once).
 */
import type { KioskDatabase } from '@kiosk/store';

export async function revokeToken(store: KioskDatabase, jti: string): Promise<void> {
  await store.db
    .insertInto('revoked_tokens')
    .values({ jti })
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
}

export class RevocationCache {
  private readonly entries = new Map<string, { revoked: boolean; at: number }>();

  constructor(
    private readonly store: KioskDatabase,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async isRevoked(jti: string): Promise<boolean> {
    const hit = this.entries.get(jti);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.revoked;
    const row = await this.store.db.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
    const revoked = row !== undefined;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(jti, { revoked, at: this.now() });
    return revoked;
  }

  /** Marks a token revoked locally right away (after `relay.disconnect({ tokenId })`). */
  markRevoked(jti: string): void {
    this.entries.set(jti, { revoked: true, at: this.now() });
  }
}
