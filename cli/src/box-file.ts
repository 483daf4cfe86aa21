/**
 * `<data-dir>/box.json`: what a LAN box learned when it was paired with the cloud
 * (`kiosk box pair`). Its presence makes `kiosk start`/`kiosk serve` run as the outlet's box.
 * Mode 0600: it holds the box key (signs the tokens of devices paired on the box) and the
 * renewal key (trades for a fresh box token). Validated by zod on every read, so a file edited
 * by hand or cut short says what is wrong instead of half-working.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError } from '@kiosk/shared';

export const BOX_FILE = 'box.json';
export const BOX_FILE_VERSION = 1;

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lowercase slug');

export const boxFileSchema = z.object({
  version: z.literal(BOX_FILE_VERSION),
  /** The cloud's API base, e.g. https://cloud.example/api */
  cloudApiUrl: z.string().regex(/^https?:\/\/\S+\/api$/, 'must be an http(s) URL ending in /api'),
  /** The cloud relay the box replicates with (what `--upstream` takes), e.g. wss://cloud.example/sync */
  upstreamUrl: z.string().regex(/^wss?:\/\/\S+$/, 'must be a ws:// or wss:// URL'),
  /** The box token (role box), renewed before `expiresAt` (epoch ms). */
  token: z.string().min(10),
  expiresAt: z.number().int().positive(),
  renewalKey: z.string().min(20),
  deviceId: z.string().min(1).max(200),
  tenant: slug,
  outlet: slug,
  name: z.string().min(1),
  /** base64url, 32 bytes: HS256 key of the tokens the box issues (JWT kid `box:<deviceId>`). */
  boxKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url'),
  /** The outlet as the cloud knows it (name, time zone, currency, …). */
  outletInfo: z.looseObject({ name: z.string().min(1), timeZone: z.string().min(1), currency: z.string().min(1) }),
  /** ISO time of the pairing. */
  pairedAt: z.string(),
});
export type BoxFile = z.output<typeof boxFileSchema>;

export function boxFilePath(dataDir: string): string {
  return path.join(dataDir, BOX_FILE);
}

/** The box file, or null when there is none (not a box). Throws naming the bad field. */
export async function readBoxFile(dataDir: string): Promise<BoxFile | null> {
  const file = boxFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; pair the box again with \`kiosk box pair\``);
  }
  const parsed = boxFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: invalid ${formatZodError(parsed.error, 'box')}; pair the box again with \`kiosk box pair\``);
  return parsed.data;
}

/** Writes the file atomically (temp file + rename), mode 0600. */
export async function writeBoxFile(dataDir: string, box: BoxFile): Promise<void> {
  const valid = boxFileSchema.parse(box);
  await mkdir(dataDir, { recursive: true });
  const file = boxFilePath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/**
 * `https://cloud.example[/anything]` → the API base and the relay URL the box links to
 * (`wss://cloud.example/sync`; http gives ws, for a test or a cloud on the same LAN). Pure.
 */
export function cloudUrls(cloud: string): { apiUrl: string; upstreamUrl: string } {
  let url: URL;
  try {
    url = new URL(cloud);
  } catch {
    throw new Error(`--cloud ${JSON.stringify(cloud)} is not a URL (e.g. https://cloud.example)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--cloud ${JSON.stringify(cloud)} must be an https:// URL`);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}`;
  return { apiUrl: `${base}/api`, upstreamUrl: `${base.replace(/^http/, 'ws')}/sync` };
}
