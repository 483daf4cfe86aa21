/**
 * Leases in `projector_leases`: one projector at a time per scope. A scope is one outlet
 * (`tenant`, `outlet`) or every outlet (`'*'`, `'*'`). The holder of a scope is the only
 * projector that writes its rows and — in 'authority' mode — the only one that assigns its
 * numbers; a second projector for the same scope waits until the lease expires or is released.
 *
 * Fencing: a lease is renewed INSIDE every write transaction (`renewIn`), and the transaction
 * fails if the lease is no longer ours. A projector that was paused past its expiry (GC, a
 * stopped VM) cannot commit numbers next to the new holder.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '@kiosk/store';

export type ProjectorMode = 'authority' | 'mirror';

export interface LeaseScope {
  tenant: string;
  outlet: string;
}

export const ALL_OUTLETS: LeaseScope = { tenant: '*', outlet: '*' };

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export interface LeaseOptions {
  holder: string;
  mode: ProjectorMode;
  scopes: readonly LeaseScope[];
  /** Lease length; renewed well before (default 15 s). */
  ttlMs?: number;
}

type Db = Kysely<Database> | Transaction<Database>;

export class Lease {
  readonly holder: string;
  readonly mode: ProjectorMode;
  readonly scopes: readonly LeaseScope[];
  readonly ttlMs: number;

  constructor(options: LeaseOptions) {
    this.holder = options.holder;
    this.mode = options.mode;
    this.scopes = options.scopes;
    this.ttlMs = options.ttlMs ?? 15_000;
  }

  /**
   * Takes (or renews) every scope; true when all are ours. A scope held by someone else whose
   * lease has not expired is left alone. All-or-nothing: scopes taken when another is busy
   * are released again, so two projectors with overlapping scopes cannot deadlock.
   */
  async tryAcquire(db: Kysely<Database>): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      let all = true;
      for (const scope of this.scopes) {
        const result = await sql<{ holder: string }>`
          insert into projector_leases (tenant_id, outlet_id, holder, mode, expires_at)
          values (${scope.tenant}, ${scope.outlet}, ${this.holder}, ${this.mode}, now() + ${`${this.ttlMs} milliseconds`}::interval)
          on conflict (tenant_id, outlet_id) do update
            set holder = excluded.holder, mode = excluded.mode, expires_at = excluded.expires_at,
                acquired_at = case when projector_leases.holder = excluded.holder then projector_leases.acquired_at else now() end
            where projector_leases.holder = excluded.holder or projector_leases.expires_at < now()
          returning holder`.execute(trx);
        if (result.rows.length === 0) all = false;
      }
      if (!all) await this.releaseIn(trx);
      return all;
    });
  }

  /** Renews inside a write transaction; throws `LeaseLostError` if any scope is not ours. */
  async renewIn(trx: Db): Promise<void> {
    for (const scope of this.scopes) {
      const result = await sql`
        update projector_leases set expires_at = now() + ${`${this.ttlMs} milliseconds`}::interval
        where tenant_id = ${scope.tenant} and outlet_id = ${scope.outlet} and holder = ${this.holder} and expires_at >= now()`.execute(trx);
      if (Number(result.numAffectedRows ?? 0) !== 1) {
        throw new LeaseLostError(`lease on ${scope.tenant}/${scope.outlet} is no longer held by ${this.holder}`);
      }
    }
  }

  async release(db: Kysely<Database>): Promise<void> {
    await this.releaseIn(db);
  }

  private async releaseIn(db: Db): Promise<void> {
    for (const scope of this.scopes) {
      await db
        .deleteFrom('projector_leases')
        .where('tenant_id', '=', scope.tenant)
        .where('outlet_id', '=', scope.outlet)
        .where('holder', '=', this.holder)
        .execute();
    }
  }
}

/**
 * Outlets leased by OTHER live holders: a projector for every outlet leaves them to their
 * holder (rows and numbers), so outlets can be split among workers.
 */
export async function outletsLeasedByOthers(db: Db, holder: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('projector_leases')
    .select(['tenant_id', 'outlet_id'])
    .where('holder', '<>', holder)
    .where('tenant_id', '<>', '*')
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
  return new Set(rows.map((r) => `${r.tenant_id}/${r.outlet_id}`));
}
