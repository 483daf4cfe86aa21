/**
 * What the device says when the server refused it: the relay's close reason starts with a
 * stable `RefusalReason` token (`parseCloseReason`), and each one has its own message here, so
 * a cashier reads why (in their language) instead of a close code.
 */
import type { RefusalReason } from '@kiosk/shared';
import type { MessageKey } from './en';

export const REFUSAL_MESSAGE: Record<RefusalReason, MessageKey> = {
  unauthorized: 'refusalUnauthorized',
  forbidden: 'refusalForbidden',
  read_only: 'refusalReadOnly',
  bad_request: 'refusalBadRequest',
  bad_doc_name: 'refusalBadDocName',
  too_large: 'refusalTooLarge',
  rate_limited: 'refusalRateLimited',
  too_many_docs: 'refusalTooManyDocs',
  foreign_client_id: 'refusalForeignClientId',
  load_failed: 'refusalLoadFailed',
  shutting_down: 'refusalShuttingDown',
  slow_consumer: 'refusalSlowConsumer',
  write_rule: 'refusalWriteRule',
  day_closed: 'refusalDayClosed',
  missing_dependency: 'refusalMissingDependency',
  // relay memory (issue 13)
  awareness_limit: 'refusalAwarenessLimit',
  auth_timeout: 'refusalAuthTimeout',
};

/** The message key for a refusal; `refusalUnknown` when the close reason named none (another server). */
export function refusalMessageKey(reason: RefusalReason | null): MessageKey {
  return reason ? REFUSAL_MESSAGE[reason] : 'refusalUnknown';
}
