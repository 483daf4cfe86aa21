/**
 * The id of an entry the back-office names in a path or body: a catalog entry, a staff member,
 * a kitchen station. The same rule as the document schemas' ids (protocol/schemas.ts), so an id
 * the API accepts is one the outlet document accepts.
 */
import { z } from 'zod';

export const entryId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits, _ . : -');
