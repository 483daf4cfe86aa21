/**
 * `kiosk box pair --cloud https://cloud.example --code CODE [--name "Shop box"]`: trades a box
 * pairing code from the cloud back-office for the box's identity (`POST /api/pair`, kind box),
 * writes `<data-dir>/box.json` and creates the tenant and outlet rows in the box's own database,
 * so the box can hand out device pairing codes for its outlet with no internet.
 */
import { z } from 'zod';
import type { KioskDatabase } from '@kiosk/store';
import { cloudUrls, writeBoxFile, BOX_FILE_VERSION, type BoxFile } from './box-file';

/** What the cloud answers (the contract of `BoxPairResponse`); checked, not trusted. */
const boxPairResponse = z.object({
  token: z.string().min(10),
  expiresAt: z.number().int().positive(),
  renewalKey: z.string().min(20),
  deviceId: z.string().min(1),
  tenant: z.string().min(1),
  outlet: z.string().min(1),
  name: z.string().min(1),
  boxKey: z.string().min(1),
  outletInfo: z.looseObject({ name: z.string().min(1), timeZone: z.string().min(1), currency: z.string().min(1) }),
});

export class BoxPairError extends Error {
  override name = 'BoxPairError';
}

export interface PairBoxInput {
  /** The cloud's address, e.g. https://cloud.example */
  cloud: string;
  code: string;
  name?: string;
  dataDir: string;
  /** The box's own database (migrated). */
  store: KioskDatabase;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Pairs the box; returns what box.json now holds. Throws BoxPairError with a message for the operator. */
export async function pairBox(input: PairBoxInput): Promise<BoxFile> {
  const { apiUrl, upstreamUrl } = cloudUrls(input.cloud);
  const name = input.name?.trim() || 'LAN box';
  let res: Response;
  try {
    res = await (input.fetch ?? fetch)(`${apiUrl}/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: input.code, kind: 'box', name }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new BoxPairError(
      `cannot reach the cloud at ${apiUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}); check --cloud and the internet connection`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: not a kiosk cloud, most likely
    }
    if (res.status === 401 || res.status === 403)
      throw new BoxPairError(`the cloud refused the code: ${message} (create a new box code in the back-office: Devices → Pair a box)`);
    if (res.status === 404) throw new BoxPairError(`${apiUrl}/pair answered 404: is ${input.cloud} a kiosk cloud server?`);
    throw new BoxPairError(`pairing failed: the cloud answered ${res.status}: ${message}`);
  }
  let body: z.output<typeof boxPairResponse>;
  try {
    body = boxPairResponse.parse(JSON.parse(text));
  } catch (error) {
    throw new BoxPairError(`the cloud's answer is not a box pairing (${error instanceof Error ? error.message.slice(0, 200) : String(error)})`);
  }
  const box: BoxFile = {
    version: BOX_FILE_VERSION,
    cloudApiUrl: apiUrl,
    upstreamUrl,
    token: body.token,
    expiresAt: body.expiresAt,
    renewalKey: body.renewalKey,
    deviceId: body.deviceId,
    tenant: body.tenant,
    outlet: body.outlet,
    name: body.name,
    boxKey: body.boxKey,
    outletInfo: body.outletInfo,
    pairedAt: new Date((input.now ?? Date.now)()).toISOString(),
  };
  await ensureOutletRows(input.store, box);
  await writeBoxFile(input.dataDir, box);
  return box;
}

/**
 * The rows a box needs to pair devices offline: its tenant and outlet, and its box key (the pair
 * route signs the device tokens of an outlet with its active box key, kid `box:<deviceId>`, so
 * the cloud accepts them too). Idempotent (a re-pair updates them; an older box key of the same
 * outlet on this machine is revoked).
 */
export async function ensureOutletRows(store: KioskDatabase, box: Pick<BoxFile, 'tenant' | 'outlet' | 'outletInfo' | 'deviceId' | 'boxKey'>): Promise<void> {
  const info = box.outletInfo;
  await store.db
    .insertInto('tenants')
    .values({ tenant_id: box.tenant, name: typeof info.tenantName === 'string' ? info.tenantName : box.tenant })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  await store.db
    .insertInto('outlets')
    .values({ tenant_id: box.tenant, id: box.outlet, name: info.name, time_zone: info.timeZone, currency: info.currency })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doUpdateSet({ name: info.name, time_zone: info.timeZone, currency: info.currency }))
    .execute();
  await store.db
    .insertInto('box_keys')
    .values({ box_device_id: box.deviceId, tenant_id: box.tenant, outlet_id: box.outlet, key: box.boxKey })
    .onConflict((oc) => oc.column('box_device_id').doUpdateSet({ key: box.boxKey, revoked_at: null }))
    .execute();
  await store.db
    .updateTable('box_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', box.tenant)
    .where('outlet_id', '=', box.outlet)
    .where('box_device_id', '!=', box.deviceId)
    .where('revoked_at', 'is', null)
    .execute();
}
