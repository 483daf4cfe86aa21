/**
 * The I/O shell around the pure trust checks (`project/trust.ts`): it finds who wrote each
 * order's header and number (client-id claims of the day document) and the outlet's history,
 * so the projector, `kiosk rebuild` and `kiosk verify` run exactly the same checks.
 */
import * as Y from 'yjs';
import { ORDER, ordersMap, outletDocName, type OrderRecord } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { verifyOrderTrust, writerClients, writerOf, type TrustResult } from '../project/trust';
import type { CachedDay, DocCache } from './doc-cache';
import { OutletHistories, type OutletHistory } from './outlet-history';

/** The projector's own writes (numbers) are always trusted. */
const ALWAYS_TRUSTED = ['projector'];

export interface TrustVerifierOptions {
  store: KioskDatabase;
  cache: DocCache;
  /** Device ids whose numbers are adopted like the projector's (`--trusted-writers`). */
  trustedWriters?: readonly string[];
}

export class TrustVerifier {
  private readonly histories: OutletHistories;
  private readonly trusted: ReadonlySet<string>;

  constructor(private readonly options: TrustVerifierOptions) {
    this.histories = new OutletHistories(options.store);
    this.trusted = new Set([...ALWAYS_TRUSTED, ...(options.trustedWriters ?? [])]);
  }

  /** Loads what `verify` needs for these orders of one day document (owners of their writers, the outlet's history). */
  async prepare(entry: CachedDay, orderIds: Iterable<string>): Promise<OutletHistory | undefined> {
    const orders = ordersMap(entry.doc);
    const clients: number[] = [];
    for (const id of orderIds) {
      const orderMap = orders.get(id);
      if (orderMap instanceof Y.Map) clients.push(...writerClients(orderMap));
    }
    await this.options.cache.resolveOwners(entry, clients);
    const history = await this.histories.get(outletDocName(entry.tenant, entry.outlet));
    return history.versions > 0 || history.uptoId > 0 ? history : undefined;
  }

  /** The checks of one order (after `prepare` for its document). */
  verify(entry: CachedDay, record: OrderRecord, history: OutletHistory | undefined): TrustResult {
    const orderMap = ordersMap(entry.doc).get(record.header.id);
    const owners = entry.owners;
    const writers =
      orderMap instanceof Y.Map
        ? { header: writerOf(orderMap, ORDER.header, owners), number: writerOf(orderMap, ORDER.number, owners) }
        : { header: null, number: null };
    return verifyOrderTrust({ record, writers, trustedWriters: this.trusted, history });
  }

  clear(): void {
    this.histories.clear();
  }
}
