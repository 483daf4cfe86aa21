import { SignJWT } from 'jose';
import { expect, test } from 'vitest';
import type { KioskDatabase } from '@kiosk/store';
import type { RelayCore } from '../relay/relay';
import { UpstreamBox } from './box';

const token = (outlet: string) =>
  new SignJWT({ tenant: 'demo', outlet, role: 'box' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a-secret-long-enough-for-hs256'));

test('setToken takes a renewed token of the same outlet and refuses one of another outlet', async () => {
  const box = new UpstreamBox({
    relay: {} as RelayCore,
    store: {} as KioskDatabase,
    upstream: { url: 'wss://cloud.test/sync', token: await token('main') },
    log: () => {},
  });
  box.setToken(await token('main'));
  const other = await token('other');
  expect(() => box.setToken(other)).toThrow(/is for demo\/other, not demo\/main/);
  expect(() => box.setToken('not-a-jwt')).toThrow();
});
