/**
 * WebSocket close codes the relay uses, so a client can tell "fix your token" from
 * "retry later". 4xxx mirror HTTP statuses; 1013 is the standard "try again later".
 */
export const CloseCode = {
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  rateLimited: 4429,
  tryAgain: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Why the relay refused an update, a message or a connection: the close reason sent on the
 * wire (a stable token the client switches on to pick a translated message), the label of
 * `kiosk_relay_refused_total`, and, through `REFUSAL_CODE`, the close code.
 */
export const REFUSAL_REASONS = [
  'unauthorized',
  'forbidden',
  'read_only',
  'bad_request',
  'bad_doc_name',
  'too_large',
  'rate_limited',
  'too_many_docs',
  'foreign_client_id',
  'load_failed',
  'shutting_down',
  'slow_consumer',
  'write_rule',
  'day_closed',
  'missing_dependency',
  // relay memory (issue 13)
  'awareness_limit',
  'auth_timeout',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The one pairing of a refusal reason with its close code. */
export const REFUSAL_CODE: Record<RefusalReason, CloseCode> = {
  unauthorized: CloseCode.unauthorized,
  forbidden: CloseCode.forbidden,
  read_only: CloseCode.forbidden,
  bad_request: CloseCode.badRequest,
  bad_doc_name: CloseCode.badRequest,
  too_large: CloseCode.tooLarge,
  rate_limited: CloseCode.rateLimited,
  too_many_docs: CloseCode.rateLimited,
  // The stock client reconnects after these; so it resyncs (a foreign client id is most often
  // a stale claim after a relay restart, not an attack).
  foreign_client_id: CloseCode.tryAgain,
  load_failed: CloseCode.tryAgain,
  shutting_down: CloseCode.tryAgain,
  slow_consumer: CloseCode.tryAgain,
  // A day document's write rules (shared/src/doc/day-write-rules.ts): history is never rewritten.
  write_rule: CloseCode.forbidden,
  // A business day outside the writable window (too old, or the future).
  day_closed: CloseCode.forbidden,
  // The update builds on content the relay does not hold yet; a resync delivers it first.
  missing_dependency: CloseCode.tryAgain,
  // relay memory (issue 13): presence over its caps (client ids per connection/device/document,
  // state size); an admission that did not finish in time (the client retries).
  awareness_limit: CloseCode.rateLimited,
  auth_timeout: CloseCode.tryAgain,
};

export function isRefusalReason(value: string): value is RefusalReason {
  return (REFUSAL_REASONS as readonly string[]).includes(value);
}

/** What a client should do after a close with this code. */
export function closeAction(code: number): 'reauthenticate' | 'give-up' | 'retry' {
  switch (code) {
    case CloseCode.unauthorized:
      return 'reauthenticate';
    case CloseCode.forbidden:
    case CloseCode.badRequest:
    case CloseCode.notFound:
    case CloseCode.tooLarge:
      return 'give-up';
    default:
      return 'retry';
  }
}

/** RFC 6455: a close frame's reason is at most 123 bytes of UTF-8 (longer ones make `ws` throw). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Cuts `text` to the close-frame limit on a character boundary, marking the cut with `...`. */
export function truncateCloseReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= MAX_CLOSE_REASON_BYTES) return text;
  return `${new TextDecoder().decode(bytes.subarray(0, MAX_CLOSE_REASON_BYTES - 4)).replace(/\uFFFD+$/, '')}...`;
}

/**
 * The close reason the relay sends: the stable reason token first, then the detail for logs,
 * within the 123-byte limit. The client reads the token back with `parseCloseReason`.
 *
 * ```ts
 * closeReasonText('too_large', 'message of 2000000 bytes exceeds the limit of 1048576 bytes');
 * // 'too_large: message of 2000000 bytes exceeds the limit of 1048576 bytes'
 * ```
 */
export function closeReasonText(reason: RefusalReason, detail: string): string {
  return truncateCloseReason(detail ? `${reason}: ${detail}` : reason);
}

/** The refusal reason a close reason starts with, or null (another server, or no reason given). */
export function parseCloseReason(text: string): RefusalReason | null {
  const colon = text.indexOf(':');
  const token = (colon < 0 ? text : text.slice(0, colon)).trim();
  return isRefusalReason(token) ? token : null;
}
