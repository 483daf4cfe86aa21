import type { BusinessDay, OutletId, TenantId } from './ids';

/** Tenant and outlet ids: lowercase slugs, so document names stay URL- and path-safe. */
const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export type DocName =
  | { kind: 'outlet'; tenant: TenantId; outlet: OutletId; name: string }
  | { kind: 'day'; tenant: TenantId; outlet: OutletId; day: BusinessDay; name: string }
  /** `{tenant}/{outlet}/staff-keys`: the sealed approval keys (terminals read, kitchen and back-office refused). */
  | { kind: 'staff-keys'; tenant: TenantId; outlet: OutletId; name: string };

/** The last segment of the staff-keys document's name (never a valid YYYY-MM-DD, so no clash with days). */
export const STAFF_KEYS_DOC_SUFFIX = 'staff-keys';

export class DocNameError extends Error {
  override name = 'DocNameError';
}

function checkSlug(what: string, value: string): void {
  if (!SLUG.test(value)) throw new DocNameError(`${what} ${JSON.stringify(value)} must be a lowercase slug (a-z, 0-9, _ or -, at most 63 characters)`);
}

function checkDay(value: string): void {
  const m = DAY.exec(value);
  if (!m) throw new DocNameError(`business day ${JSON.stringify(value)} must be YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new DocNameError(`business day ${JSON.stringify(value)} is not a calendar date`);
  }
}

/** `outletDocName('demo', 'main')` → `demo/main` */
export function outletDocName(tenant: string, outlet: string): string {
  checkSlug('tenant', tenant);
  checkSlug('outlet', outlet);
  return `${tenant}/${outlet}`;
}

/** `dayDocName('demo', 'main', '2026-11-22')` → `demo/main/2026-11-22` */
export function dayDocName(tenant: string, outlet: string, day: string): string {
  checkDay(day);
  return `${outletDocName(tenant, outlet)}/${day}`;
}

/** `staffKeysDocName('demo', 'main')` → `demo/main/staff-keys` */
export function staffKeysDocName(tenant: string, outlet: string): string {
  return `${outletDocName(tenant, outlet)}/${STAFF_KEYS_DOC_SUFFIX}`;
}

/** Parses a document name; anything that is not an outlet or day document name throws `DocNameError`. */
export function parseDocName(name: string): DocName {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new DocNameError(`document name must be a non-empty string of at most 200 characters`);
  }
  const parts = name.split('/');
  if (parts.length === 2) {
    const [tenant, outlet] = parts;
    checkSlug('tenant', tenant);
    checkSlug('outlet', outlet);
    return { kind: 'outlet', tenant: tenant as TenantId, outlet: outlet as OutletId, name };
  }
  if (parts.length === 3) {
    const [tenant, outlet, day] = parts;
    checkSlug('tenant', tenant);
    checkSlug('outlet', outlet);
    if (day === STAFF_KEYS_DOC_SUFFIX) return { kind: 'staff-keys', tenant: tenant as TenantId, outlet: outlet as OutletId, name };
    checkDay(day);
    return { kind: 'day', tenant: tenant as TenantId, outlet: outlet as OutletId, day: day as BusinessDay, name };
  }
  throw new DocNameError(
    `unknown document name ${JSON.stringify(name)}: expected {tenant}/{outlet}, {tenant}/{outlet}/{YYYY-MM-DD} or {tenant}/{outlet}/staff-keys`,
  );
}
