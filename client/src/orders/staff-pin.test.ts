import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateStaffKeyPair, sealStaffKey, type KdfCost, type StaffMember } from '@kiosk/shared';
import { PinCheckUnavailableError, pinCheckProblem, unlockStaffByPin } from './staff-pin';

const CHEAP: KdfCost = { memoryKiB: 256, passes: 1, parallelism: 1 };
const STAFF: StaffMember[] = [{ id: 'staff-sari', name: 'Sari', role: 'cashier', active: true }];

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}

describe('unlockStaffByPin', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('opens the envelope of the right PIN and refuses a wrong one', async () => {
    const envelope = await sealStaffKey('staff-sari', '2468', generateStaffKeyPair(), { now: 1, cost: CHEAP });
    const storage = memoryStorage();
    expect((await unlockStaffByPin(STAFF, [envelope], '2468', { storage }))?.member.id).toBe('staff-sari');
    expect(await unlockStaffByPin(STAFF, [envelope], '1357', { storage })).toBeNull();
  });

  it('throws a named error, not "wrong PIN", where WebCrypto is missing (an insecure origin)', async () => {
    const envelope = await sealStaffKey('staff-sari', '2468', generateStaffKeyPair(), { now: 1, cost: CHEAP });
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect(pinCheckProblem()).toEqual({ kind: 'no-webcrypto', httpsUrl: null, setupUrl: null });
    const error = await unlockStaffByPin(STAFF, [envelope], '2468', { storage: memoryStorage() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinCheckUnavailableError);
    expect((error as PinCheckUnavailableError).problem.kind).toBe('no-webcrypto');
  });

  it('names the insecure origin and its https address when the page is on http://', async () => {
    vi.stubGlobal('crypto', {});
    vi.stubGlobal('window', { isSecureContext: false, location: new URL('http://kiosk-box.test:8080/pos') });
    expect(pinCheckProblem()).toEqual({ kind: 'insecure-origin', httpsUrl: 'https://kiosk-box.test:8080/pos', setupUrl: 'http://kiosk-box.test:8080/setup' });
    await expect(unlockStaffByPin(STAFF, [], '2468', { storage: memoryStorage() })).rejects.toBeInstanceOf(PinCheckUnavailableError);
  });
});
