import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { boxFilePath, cloudUrls, readBoxFile, writeBoxFile, type BoxFile } from './box-file';

const BOX: BoxFile = {
  version: 1,
  cloudApiUrl: 'https://cloud.example/api',
  upstreamUrl: 'wss://cloud.example/sync',
  token: 'header.payload.signature',
  expiresAt: Date.UTC(2026, 11, 5),
  renewalKey: 'r'.repeat(43),
  deviceId: '0193a1b2-0000-7000-8000-000000000001',
  tenant: 'acme',
  outlet: 'main',
  name: 'Shop box',
  boxKey: 'k'.repeat(43),
  outletInfo: { name: 'Acme Main', timeZone: 'Asia/Jakarta', currency: 'IDR', locale: 'id-ID' },
  pairedAt: '2026-12-04T08:00:00.000Z',
};

test('the cloud address gives the API base and the relay URL --upstream takes', () => {
  expect(cloudUrls('https://cloud.example')).toEqual({ apiUrl: 'https://cloud.example/api', upstreamUrl: 'wss://cloud.example/sync' });
  expect(cloudUrls('https://cloud.example/kiosk/api/')).toEqual({ apiUrl: 'https://cloud.example/kiosk/api', upstreamUrl: 'wss://cloud.example/kiosk/sync' });
  expect(cloudUrls('http://127.0.0.1:8080')).toEqual({ apiUrl: 'http://127.0.0.1:8080/api', upstreamUrl: 'ws://127.0.0.1:8080/sync' });
  expect(() => cloudUrls('cloud.example')).toThrow(/not a URL/);
  expect(() => cloudUrls('ftp://cloud.example')).toThrow(/https:\/\//);
});

test('box.json round-trips, is private (0600), and a bad file names the field', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kiosk-boxfile-'));
  try {
    expect(await readBoxFile(dir)).toBeNull();
    await writeBoxFile(dir, BOX);
    expect(await readBoxFile(dir)).toEqual(BOX);
    expect((await stat(boxFilePath(dir))).mode & 0o777).toBe(0o600);
    const json = JSON.parse(await readFile(boxFilePath(dir), 'utf8'));
    await writeFile(boxFilePath(dir), JSON.stringify({ ...json, boxKey: 'short' }));
    await expect(readBoxFile(dir)).rejects.toThrow(/box\.boxKey: must be 32 bytes in base64url/);
    await writeFile(boxFilePath(dir), '{');
    await expect(readBoxFile(dir)).rejects.toThrow(/not valid JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
