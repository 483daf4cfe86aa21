/**
 * What the write rules of a day document need to know about its outlet: the business-day
 * settings (for the writable window), the staff and the paired devices. Read from the outlet
 * document — the one held in memory when a device has it open, else loaded from the log — and
 * cached for `ttlMs`, so checking an update costs no query and no document read.
 *
 * A stale entry is still served while it is being refreshed in the background: a staff member
 * removed a few seconds ago may still be named by a new order, which the projector then flags.
 */
import { readOutlet, type BusinessDaySettings } from '@kiosk/shared';
import { loadDocument, type KioskDatabase } from '@kiosk/store';
import type { DocRegistry } from './doc-registry';

export interface OutletFacts {
  /** null when the outlet document has no settings yet. */
  settings: BusinessDaySettings | null;
  staffIds: ReadonlySet<string>;
  deviceIds: ReadonlySet<string>;
}

interface Entry {
  facts: OutletFacts;
  at: number;
  refreshing: Promise<void> | null;
}

export class OutletFactsSource {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly deps: { store: KioskDatabase; registry: DocRegistry; now: () => number; ttlMs: number; log(message: string): void }) {}

  /** Makes sure facts for the outlet are cached (awaited once when a writer joins a day document). */
  async ensure(outletDocName: string): Promise<OutletFacts> {
    const entry = this.cache.get(outletDocName);
    if (entry && this.deps.now() - entry.at < this.deps.ttlMs) return entry.facts;
    if (entry?.refreshing) await entry.refreshing;
    else await this.refresh(outletDocName);
    return this.cache.get(outletDocName)!.facts;
  }

  /** Cached facts (possibly stale, then refreshed in the background); undefined before `ensure`. */
  peek(outletDocName: string): OutletFacts | undefined {
    const entry = this.cache.get(outletDocName);
    if (entry && !entry.refreshing && this.deps.now() - entry.at >= this.deps.ttlMs) {
      void this.refresh(outletDocName).catch((error: unknown) => this.deps.log(`refreshing outlet facts of ${outletDocName} failed: ${String(error)}`));
    }
    return entry?.facts;
  }

  private refresh(outletDocName: string): Promise<void> {
    const entry = this.cache.get(outletDocName);
    const running = this.read(outletDocName)
      .then((facts) => {
        this.cache.set(outletDocName, { facts, at: this.deps.now(), refreshing: null });
      })
      .finally(() => {
        const current = this.cache.get(outletDocName);
        if (current?.refreshing === running) current.refreshing = null;
      });
    if (entry) entry.refreshing = running;
    return running;
  }

  private async read(outletDocName: string): Promise<OutletFacts> {
    const held = this.deps.registry.get(outletDocName);
    if (held) return factsOf(held.doc);
    const loaded = await loadDocument(this.deps.store, outletDocName);
    try {
      return factsOf(loaded.doc);
    } finally {
      loaded.doc.destroy();
    }
  }
}

function factsOf(doc: Parameters<typeof readOutlet>[0]): OutletFacts {
  const outlet = readOutlet(doc);
  return {
    settings: outlet.settings ? { timeZone: outlet.settings.timeZone, businessDayStart: outlet.settings.businessDayStart } : null,
    staffIds: new Set(outlet.staff.filter((s) => s.active !== false).map((s) => s.id)),
    deviceIds: new Set(outlet.devices.map((d) => d.id)),
  };
}
