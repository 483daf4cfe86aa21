/**
 * zod at the edge: every body, query and path parameter is parsed before use. A failure is
 * a 400 naming the first bad field, e.g. `{ field: 'price', message: 'price: must not be negative' }`.
 */
import type { z } from 'zod';
import { badRequest } from './errors';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.') || prefix || 'body';
  throw badRequest(`${field}: ${issue?.message ?? 'invalid value'}`, field);
}
