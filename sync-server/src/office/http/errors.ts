/**
 * One error shape for the whole API: `{ error: { code, message, field? } }` (the vocabulary is
 * shared/src/api/errors.ts). Handlers throw `ApiError`; the error middleware turns it (and
 * anything unexpected) into JSON.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError as ContractError, ERROR_STATUS, ErrorCode, type ErrorBody } from '@kiosk/shared';

/** The shared `ApiError` with its status taken from the code, its JSON body and, for 429, `Retry-After`. */
export class ApiError extends ContractError {
  constructor(
    override readonly code: ErrorCode,
    message: string,
    field?: string,
    /** Seconds, for 429. */
    readonly retryAfter?: number,
  ) {
    super(ERROR_STATUS[code], code, message, field);
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** The `type` of the error `verifyUtf8` (validate.ts) raises for a body that is not UTF-8. */
export const INVALID_UTF8 = 'kiosk.body.invalid_utf8';

export const badRequest = (message: string, field?: string) => new ApiError(ErrorCode.badRequest, message, field);
export const unauthorized = (message = 'sign in first: send Authorization: Bearer <token>') => new ApiError(ErrorCode.unauthorized, message);
export const forbidden = (message: string) => new ApiError(ErrorCode.forbidden, message);
/** Also used for rows of another tenant: 404, never 403, so ids cannot be probed. */
export const notFound = (what: string) => new ApiError(ErrorCode.notFound, `${what} not found`);
export const conflict = (message: string, field?: string) => new ApiError(ErrorCode.conflict, message, field);
export const rateLimited = (message: string, retryAfter: number) => new ApiError(ErrorCode.rateLimited, message, undefined, retryAfter);

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(ErrorCode.notFound, `no endpoint ${req.method} ${req.baseUrl}${req.path}`));
};

/** Last middleware of the API router. Unexpected errors are logged and answered as 500 without internals. */
export function errorHandler(log: (message: string, error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof ApiError) {
      if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
      res.status(error.status).json(error.toBody());
      return;
    }
    // Shared document accessors refuse a value with InvalidValue naming the field
    // ("item.price"); the part after the value's kind is the request's field.
    if (error instanceof Error && error.name === 'InvalidValue' && typeof (error as { field?: unknown }).field === 'string') {
      const path = String((error as unknown as { field: string }).field).split('.');
      const field = path.length > 1 ? path.slice(1).join('.') : path[0];
      res.status(400).json(badRequest(error.message, field).toBody());
      return;
    }
    // body-parser and express report their own refusals with a status and (body-parser) a type.
    const { status, type } = error as { status?: number; type?: string };
    if (type === 'entity.parse.failed') {
      res.status(400).json(badRequest('request body is not valid JSON', 'body').toBody());
      return;
    }
    if (type === INVALID_UTF8 || type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(400).json(badRequest('request body is not valid UTF-8 JSON', 'body').toBody());
      return;
    }
    if (status === 413) {
      res.status(413).json({ error: { code: ErrorCode.badRequest, message: 'request body is too large', field: 'body' } });
      return;
    }
    if (status === 415) {
      res.status(415).json({ error: { code: ErrorCode.badRequest, message: 'the request body must be JSON', field: 'body' } });
      return;
    }
    // Any other client error express raised (a path parameter it could not decode, …): 400, never 500.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(400).json(badRequest('the request is malformed').toBody());
      return;
    }
    log('api: unexpected error', error);
    res.status(500).json({ error: { code: ErrorCode.internal, message: 'internal error' } });
  };
}
