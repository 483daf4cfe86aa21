/**
 * Rows of other writers (another relay, the projector's write-back, a seed) reach the loaded
 * documents by tailing the update log (tldraw `storage.onChange`): on a NOTIFY naming another
 * origin and a loaded document, once after each load (rows appended between the load query and
 * the registration), and by a poll as the safety net. One tail query runs at a time; requests
 * made meanwhile are collected for the next round. Applied rows broadcast like any update but
 * are never written again (`TAIL_ORIGIN`).
 */
import * as Y from 'yjs';
import { tailDocs, type KioskDatabase } from '@kiosk/store';
import type { DocRegistry } from './doc-registry';
import { TAIL_ORIGIN } from './origins';

export interface LogTailOptions {
  store: KioskDatabase;
  /** Rows with this origin are our own (already in the document). */
  instanceId: string;
  docs: Pick<DocRegistry, 'has' | 'get' | 'names'>;
  log(message: string): void;
  closing(): boolean;
}

export class LogTail {
  private readonly wanted = new Set<string>();
  private running: Promise<void> | null = null;

  constructor(private readonly options: LogTailOptions) {}

  /** A payload of `UPDATE_LOG_ORIGIN_CHANNEL`: `origin\tdocName`. */
  onNotification(payload: string): void {
    const tab = payload.indexOf('\t');
    if (tab < 0) return;
    const origin = payload.slice(0, tab);
    const docName = payload.slice(tab + 1);
    if (origin === this.options.instanceId || !this.options.docs.has(docName)) return;
    this.request(docName);
  }

  request(docName: string): void {
    this.wanted.add(docName);
    void this.run();
  }

  /** The poll: every loaded document. */
  pollAll(): void {
    for (const name of this.options.docs.names()) this.wanted.add(name);
    void this.run();
  }

  /** Resolves once the running tail round (if any) is done. */
  async idle(): Promise<void> {
    if (this.running) await this.running;
  }

  private run(): Promise<void> {
    if (this.running) return this.running;
    if (this.wanted.size === 0 || this.options.closing()) return Promise.resolve();
    this.running = (async () => {
      try {
        while (this.wanted.size > 0 && !this.options.closing()) {
          const names = [...this.wanted].filter((n) => this.options.docs.has(n));
          this.wanted.clear();
          if (names.length === 0) break;
          await this.once(names);
        }
      } catch (error) {
        this.options.log(`tailing the update log failed (retried on the next notification or poll): ${String(error)}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async once(names: string[]): Promise<void> {
    const { docs, instanceId } = this.options;
    const since = Math.min(...names.map((n) => docs.get(n)?.lastLogId ?? 0));
    const rows = await tailDocs(this.options.store, names, since);
    for (const row of rows) {
      const shared = docs.get(row.doc_name);
      if (!shared || row.id <= shared.lastLogId) continue;
      shared.lastLogId = row.id;
      if (row.origin === instanceId) continue; // our own row: already in the document
      try {
        Y.applyUpdate(shared.doc, row.update, TAIL_ORIGIN);
      } catch (error) {
        this.options.log(`update_log row ${row.id} of ${row.doc_name} does not apply; skipped: ${String(error)}`);
      }
    }
  }
}
