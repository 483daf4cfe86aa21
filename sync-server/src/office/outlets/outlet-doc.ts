/**
 * Editing the outlet document on behalf of a person: the change goes through the relay
 * (persisted, broadcast live, delivered to offline devices on reconnect) with the editor as
 * its actor, and is written to the audit log with what it was before and after.
 *
 * Reads and writes use the shared accessors (`shared/src/doc/outlet-doc.ts`) directly: every
 * write is validated there again, and a value the shared schema refuses surfaces as
 * `InvalidValue` (mapped to 400 by the error handler).
 */
import type * as Y from 'yjs';
import { outletDocName } from '@kiosk/shared';
import { writeAudit } from '../http/audit';
import { actorId, type ApiContext, type Principal } from '../http/context';
import { withTenant } from '@kiosk/store';

export async function readOutletDoc(ctx: ApiContext, tenant: string, outlet: string): Promise<Y.Doc> {
  return ctx.relay.getDoc(outletDocName(tenant, outlet));
}

export async function editOutletDoc(
  ctx: ApiContext,
  p: Principal,
  outlet: string,
  audit: { action: string; details: Record<string, unknown> },
  edit: (doc: Y.Doc) => void,
): Promise<void> {
  // Relay first, outside any transaction (see withTenant); the audit row follows.
  await ctx.relay.transactDoc(outletDocName(p.tenant, outlet), { deviceId: actorId(p) }, edit);
  await withTenant(ctx.store, p.tenant, (trx) =>
    writeAudit(trx, { tenant: p.tenant, outlet, actor: actorId(p), action: audit.action, details: { ...audit.details, by: p.name } }),
  );
}
