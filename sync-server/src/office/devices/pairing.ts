/**
 * Pairing codes: short (6 characters from an alphabet without 0/O, 1/I/L), valid ten minutes,
 * single use. Only the sha256 of a code is stored: it is a bearer credential until used.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { PairingCodeKind } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { sha256 } from '../auth/sessions';
import { withTenant } from '@kiosk/store';
import { writeAudit } from '../http/audit';

export const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 6;
export const PAIRING_TTL_MS = 10 * 60 * 1000;

export function generatePairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}

/** What a person typed → the canonical code: case, spaces and dashes do not matter. */
export function normalizePairingCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export function hashPairingCode(code: string): string {
  return sha256(`pairing:${normalizePairingCode(code)}`);
}

/**
 * Creates a pairing code for an outlet (API and `kiosk pairing-code`). Throws when the
 * outlet does not exist in the tenant. `kind` (default `device`): what the code may pair — a
 * terminal or kitchen display, or (`box`) the outlet's LAN box; the caller checks who may ask
 * for a box code (the API: owners only).
 */
export async function createPairingCode(
  store: KioskDatabase,
  input: { tenant: string; outlet: string; createdBy: string; now?: number; kind?: PairingCodeKind },
): Promise<{ code: string; expiresAt: number; kind: PairingCodeKind }> {
  const now = input.now ?? Date.now();
  const kind = input.kind ?? 'device';
  const code = generatePairingCode();
  const expiresAt = now + PAIRING_TTL_MS;
  await withTenant(store, input.tenant, async (trx) => {
    const outlet = await trx.selectFrom('outlets').select('id').where('id', '=', input.outlet).executeTakeFirst();
    if (!outlet)
      throw new Error(`outlet ${JSON.stringify(input.outlet)} of tenant ${JSON.stringify(input.tenant)} does not exist (run kiosk seed-demo or create it)`);
    await trx
      .insertInto('pairing_codes')
      .values({
        code_hash: hashPairingCode(code),
        tenant_id: input.tenant,
        outlet_id: input.outlet,
        created_by: input.createdBy,
        created_at: new Date(now),
        expires_at: new Date(expiresAt),
        kind,
      })
      .execute();
    await writeAudit(trx, {
      tenant: input.tenant,
      outlet: input.outlet,
      actor: input.createdBy,
      action: 'device.pairing_code_created',
      details: { expiresAt: new Date(expiresAt).toISOString(), kind },
    });
  });
  return { code, expiresAt, kind };
}

/** Next free short code for a device: A…Z, then AA…ZZ. Codes are never reused in an outlet. */
export function nextDeviceCode(taken: Iterable<string>): string {
  const used = new Set(taken);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) if (!used.has(a)) return a;
  for (const a of letters) for (const b of letters) if (!used.has(a + b)) return a + b;
  for (const a of letters) for (const b of letters) for (const c of letters) if (!used.has(a + b + c)) return a + b + c;
  throw new Error('no free device code left in this outlet');
}

/** A renewal key: 32 random bytes, given to the device once; the server keeps only its sha-256. */
export function newRenewalKey(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRenewalKey(key: string): string {
  return sha256(`renewal:${key}`);
}
