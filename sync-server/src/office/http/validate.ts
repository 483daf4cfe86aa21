/**
 * zod at the edge: every body, query and path parameter is parsed before use. A failure is
 * a 400 naming the first bad field, e.g. `{ field: 'price', message: 'price: must not be negative' }`.
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { badRequest, INVALID_UTF8 } from './errors';

/**
 * The address, before any route sees it: a malformed %-escape (`%E0%A4%A`), an escape that is
 * not UTF-8 (`%C3%28`) or a NUL (`%00`) in the path or the query is a 400 naming where it was.
 * Express would decode the path parameter itself and answer a 400 HTML page; PostgreSQL refuses
 * a NUL in text, so one that reached a query was a 500. Mounted on the whole app (http.ts).
 */
export const rejectBadUrl: RequestHandler = (req, _res, next) => {
  const error = badUrl(req.originalUrl ?? req.url);
  next(error ?? undefined);
};

function badUrl(url: string): Error | null {
  const q = url.indexOf('?');
  const parts: Array<['url' | 'query', string]> = [['url', q < 0 ? url : url.slice(0, q)]];
  if (q >= 0) parts.push(['query', url.slice(q + 1).replace(/\+/g, ' ')]);
  for (const [field, raw] of parts) {
    const where = field === 'url' ? 'address' : 'query string';
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return badRequest(`the ${where} has a malformed %-escape or one that is not UTF-8`, field);
    }
    if (decoded.includes('\0')) return badRequest(`the ${where} must not contain a NUL character (\\0)`, field);
  }
  return null;
}

/**
 * `express.json({ verify })`: a body that is not valid UTF-8 is refused (body-parser would
 * decode it with U+FFFD replacements and store text the sender never wrote).
 */
export function verifyUtf8(_req: unknown, _res: unknown, buffer: Buffer): void {
  try {
    UTF8.decode(buffer);
  } catch {
    // body-parser re-labels what `verify` throws with its own status; errors.ts maps this type.
    throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400, type: INVALID_UTF8 });
  }
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * PostgreSQL refuses a NUL character in text, so one that reached a query was a 500. Any NUL in
 * a JSON string (or key) is refused here, at the edge, as a 400 naming where it was; so is a
 * lone UTF-16 surrogate (`"\\ud800"`), which no database column can store as written.
 */
export const rejectNulBytes: RequestHandler = (req, _res, next) => {
  // Also checked here (not only app-wide) so the API router is safe wherever it is mounted.
  const inUrl = badUrl(req.originalUrl ?? req.url);
  if (inUrl) return next(inUrl);
  const found = badStringField(req.body, 'body');
  if (found) {
    const why = found.kind === 'nul' ? 'must not contain a NUL character (\\0)' : 'must be well-formed Unicode (a lone surrogate)';
    return next(badRequest(`${found.path}: ${why}`, found.path));
  }
  next();
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path (`body.items.0.name`) of the first string holding a NUL or a lone surrogate, or null. */
function badStringField(value: unknown, path: string, depth = 0): { path: string; kind: 'nul' | 'surrogate' } | null {
  if (typeof value === 'string') return value.includes('\0') ? { path, kind: 'nul' } : LONE_SURROGATE.test(value) ? { path, kind: 'surrogate' } : null;
  if (typeof value !== 'object' || value === null || depth > 32) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0')) return { path, kind: 'nul' };
    if (LONE_SURROGATE.test(key)) return { path, kind: 'surrogate' };
    const found = badStringField(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.') || prefix || 'body';
  throw badRequest(`${field}: ${issue?.message ?? 'invalid value'}`, field);
}
