/**
 * The API's one error contract, for both ends: every error response is
 * `{ error: { code, message, field? } }` with the status its code names (see
 * sync-server/src/office/README.md). The server's handlers throw its `ApiError` (which
 * extends the one here, adding the body and `Retry-After`); the client throws this one
 * when a response is not ok.
 */

export const ErrorCode = {
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  rateLimited: 'rate_limited',
  internal: 'internal',
  // HTTP hardening: sign-in with an email that has accounts in two organisations needs `tenant`.
  ambiguousAccount: 'ambiguous_account',
  // Token lifetimes (issue 13): a cookie-authenticated call from an origin that may not make it.
  originRefused: 'origin_refused',
  // Device-token renewal: the key is not one the server gave out (or was dropped), or the device is revoked.
  renewalKeyInvalid: 'renewal_key_invalid',
  deviceRevoked: 'device_revoked',
  // LAN box pairing (issue 14): a box code given for a terminal/kitchen, or a device code for a box.
  pairingKindMismatch: 'pairing_kind_mismatch',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status of each code. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
  ambiguous_account: 409,
  origin_refused: 403,
  renewal_key_invalid: 401,
  device_revoked: 401,
  pairing_kind_mismatch: 400,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/**
 * An API error as the server names it: the status, `code`, a message, and the bad field when
 * there is one. `code` is a plain string here: a response without an error body (a proxy's
 * 502) still becomes an ApiError, with a code the client makes up (`http_error`).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
