/**
 * zod at the edge: every body, query and path parameter is parsed before use. A failure is
 * a 400 naming the first bad field, e.g. `{ field: 'price', message: 'price: must not be negative' }`.
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { badRequest } from './errors';

/**
 * PostgreSQL refuses a NUL character in text, so one that reached a query was a 500. Any NUL in
 * the path, the query or a JSON string is refused here, at the edge, as a 400 naming where it was.
 */
export const rejectNulBytes: RequestHandler = (req, _res, next) => {
  let url = req.originalUrl;
  try {
    url = decodeURIComponent(url);
  } catch {
    // a malformed escape is for the route to reject; only NULs are looked for here
  }
  if (url.includes('\0')) return next(badRequest('the address must not contain a NUL character (\\0)', 'url'));
  const field = nulField(req.body, 'body');
  if (field) return next(badRequest(`${field}: must not contain a NUL character (\\0)`, field));
  next();
};

/** The path (`body.items.0.name`) of the first string holding a NUL, or null. */
function nulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path : null;
  if (typeof value !== 'object' || value === null || depth > 32) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0')) return path;
    const found = nulField(item, `${path}.${key}`, depth + 1);
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
