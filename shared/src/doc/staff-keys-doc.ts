/**
 * Typed accessors over the staff-keys document `{tenant}/{outlet}/staff-keys`: per staff member
 * the envelope of their approval private key, sealed under their PIN (`domain/staff-keys.ts`).
 * It is a document of its own, not a map in the outlet document, so the relay can refuse it to
 * kitchen displays and back-office sessions while terminals still hold it offline.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import type { StaffKeyEnvelope } from '../domain/staff-keys';
import { STAFF_KEYS } from './layout';

export const staffKeyEnvelopeSchema = z.object({
  v: z.literal(1),
  staffId: z.string().min(1).max(64),
  publicKey: z.string().min(40).max(64),
  kdf: z.object({
    alg: z.literal('argon2id'),
    memoryKiB: z.number().int().min(8).max(4_194_304),
    passes: z.number().int().min(1).max(64),
    parallelism: z.number().int().min(1).max(16),
  }),
  salt: z.string().min(1).max(64),
  iv: z.string().min(1).max(64),
  sealed: z.string().min(1).max(256),
  createdAt: z.number().int(),
}) satisfies z.ZodType<StaffKeyEnvelope>;

export function putStaffKeyEnvelope(doc: Y.Doc, envelope: StaffKeyEnvelope): void {
  const parsed = staffKeyEnvelopeSchema.parse(envelope);
  doc.getMap(STAFF_KEYS.envelopes).set(parsed.staffId, parsed);
}

export function removeStaffKeyEnvelope(doc: Y.Doc, staffId: string): boolean {
  const map = doc.getMap(STAFF_KEYS.envelopes);
  if (!map.has(staffId)) return false;
  map.delete(staffId);
  return true;
}

export function readStaffKeyEnvelope(doc: Y.Doc, staffId: string): StaffKeyEnvelope | null {
  const parsed = staffKeyEnvelopeSchema.safeParse(doc.getMap(STAFF_KEYS.envelopes).get(staffId));
  return parsed.success ? parsed.data : null;
}

/** Every well-formed envelope; a malformed one (a buggy writer) is skipped. */
export function readStaffKeyEnvelopes(doc: Y.Doc): StaffKeyEnvelope[] {
  const out: StaffKeyEnvelope[] = [];
  for (const value of doc.getMap(STAFF_KEYS.envelopes).values()) {
    const parsed = staffKeyEnvelopeSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
