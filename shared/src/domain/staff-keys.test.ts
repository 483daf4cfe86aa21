import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { fromBase64, toBase64 } from '../util/base64';
import { parseDocName, staffKeysDocName } from '../protocol/doc-names';
import { putStaffKeyEnvelope, readStaffKeyEnvelope, readStaffKeyEnvelopes } from '../doc/staff-keys-doc';
import { putApprovalKey, putStaff, readOutlet, retireApprovalKeys, scrubPinHashes } from '../doc/outlet-doc';
import { generateStaffKeyPair, openStaffKey, sealStaffKey, signApproval, verifyApprovalSignature, type ApprovalClaim, type KdfCost } from './staff-keys';
import { hashPin, hashPinPbkdf2, pinNeedsRehash, verifyPin } from './pin';

/** Cheap argon2id for unit tests; the envelope records it, so opening uses the same. */
const CHEAP: KdfCost = { memoryKiB: 256, passes: 1, parallelism: 1 };
const NOW = 1_764_720_000_000;

const claim: ApprovalClaim = {
  kind: 'refund',
  orderId: '0190a000-0000-7000-8000-000000000001',
  eventId: '0190a000-0000-7000-8000-000000000002',
  subject: 'cash',
  amount: 23_100,
  at: NOW,
  deviceId: 'T1',
  by: 'staff-budi',
};

describe('sealed staff keys', () => {
  test('the right PIN opens the envelope; a wrong PIN does not', async () => {
    const pair = generateStaffKeyPair();
    const envelope = await sealStaffKey('staff-budi', '9999', pair, { now: NOW, cost: CHEAP });
    expect(envelope).toMatchObject({ v: 1, staffId: 'staff-budi', publicKey: pair.publicKey, kdf: { alg: 'argon2id', ...CHEAP }, createdAt: NOW });
    expect(JSON.stringify(envelope)).not.toContain(toBase64(pair.secretKey));
    const opened = await openStaffKey(envelope, '9999');
    expect(opened?.publicKey).toBe(pair.publicKey);
    expect(opened && toBase64(opened.secretKey)).toBe(toBase64(pair.secretKey));
    for (const wrong of ['9998', '0000', '99999', '123456']) expect(await openStaffKey(envelope, wrong)).toBeNull();
    expect(await openStaffKey(envelope, 'abcd')).toBeNull();
  });

  test('6-digit PINs; fewer than 4 or more than 6 digits are refused', async () => {
    const pair = generateStaffKeyPair();
    const envelope = await sealStaffKey('s1', '024680', pair, { now: NOW, cost: CHEAP });
    expect(await openStaffKey(envelope, '024680')).not.toBeNull();
    await expect(sealStaffKey('s1', '123', pair, { now: NOW, cost: CHEAP })).rejects.toThrow(/4 to 6 digits/);
    await expect(sealStaffKey('s1', '1234567', pair, { now: NOW, cost: CHEAP })).rejects.toThrow(/4 to 6 digits/);
  });

  test('tampered envelopes do not open: ciphertext, iv, salt, staff id, public key, cost', async () => {
    const pair = generateStaffKeyPair();
    const envelope = await sealStaffKey('staff-budi', '9999', pair, { now: NOW, cost: CHEAP });
    const flip = (b64: string) => {
      const bytes = fromBase64(b64);
      bytes[0] ^= 1;
      return toBase64(bytes);
    };
    const other = generateStaffKeyPair();
    const tampered = [
      { ...envelope, sealed: flip(envelope.sealed) },
      { ...envelope, iv: flip(envelope.iv) },
      { ...envelope, salt: flip(envelope.salt) },
      { ...envelope, staffId: 'staff-sari' }, // moved to another person
      { ...envelope, publicKey: other.publicKey }, // claims another key
      { ...envelope, kdf: { ...envelope.kdf, passes: 2 } },
      { ...envelope, sealed: 'not base64!' },
    ];
    for (const t of tampered) expect(await openStaffKey(t, '9999')).toBeNull();
  });

  test('each envelope has its own salt: one argon2id run cannot test a guess against two staff', async () => {
    const a = await sealStaffKey('a', '1234', generateStaffKeyPair(), { now: NOW, cost: CHEAP });
    const b = await sealStaffKey('b', '1234', generateStaffKeyPair(), { now: NOW, cost: CHEAP });
    expect(a.salt).not.toBe(b.salt);
    expect(fromBase64(a.salt)).toHaveLength(16);
    expect(fromBase64(a.iv)).toHaveLength(12);
  });
});

describe('approval signatures', () => {
  test('a signature verifies for exactly the claim it was made for', () => {
    const pair = generateStaffKeyPair();
    const { by, sig } = signApproval(pair, claim);
    expect(by).toBe('staff-budi');
    expect(verifyApprovalSignature(pair.publicKey, claim, sig)).toBe(true);
    const changes: Partial<ApprovalClaim>[] = [
      { amount: 23_101 },
      { orderId: '0190a000-0000-7000-8000-000000000009' },
      { eventId: '0190a000-0000-7000-8000-000000000009' },
      { kind: 'void_line' },
      { subject: 'card' },
      { at: NOW + 1 },
      { deviceId: 'K1' },
      { by: 'staff-sari' },
    ];
    for (const change of changes) expect(verifyApprovalSignature(pair.publicKey, { ...claim, ...change }, sig), JSON.stringify(change)).toBe(false);
  });

  test("another key's signature, a flipped bit, garbage: false, never a throw", () => {
    const pair = generateStaffKeyPair();
    const { sig } = signApproval(pair, claim);
    expect(verifyApprovalSignature(generateStaffKeyPair().publicKey, claim, sig)).toBe(false);
    const bytes = fromBase64(sig);
    bytes[10] ^= 4;
    expect(verifyApprovalSignature(pair.publicKey, claim, toBase64(bytes))).toBe(false);
    expect(verifyApprovalSignature(pair.publicKey, claim, '')).toBe(false);
    expect(verifyApprovalSignature(pair.publicKey, claim, '%%%')).toBe(false);
    expect(verifyApprovalSignature('AAAA', claim, sig)).toBe(false);
  });

  test('signatures are deterministic (RFC 8032): same key and claim, same bytes', () => {
    const pair = generateStaffKeyPair();
    expect(signApproval(pair, claim).sig).toBe(signApproval(pair, claim).sig);
  });
});

describe('documents', () => {
  test('the staff-keys document name parses as its own kind', () => {
    expect(staffKeysDocName('demo', 'main')).toBe('demo/main/staff-keys');
    expect(parseDocName('demo/main/staff-keys')).toEqual({ kind: 'staff-keys', tenant: 'demo', outlet: 'main', name: 'demo/main/staff-keys' });
    expect(() => parseDocName('demo/main/staff-key')).toThrow(/YYYY-MM-DD/);
  });

  test('envelopes round-trip through the staff-keys document; a malformed one is skipped', async () => {
    const doc = new Y.Doc();
    const envelope = await sealStaffKey('staff-budi', '9999', generateStaffKeyPair(), { now: NOW, cost: CHEAP });
    putStaffKeyEnvelope(doc, envelope);
    doc.getMap('envelopes').set('junk', { v: 2 });
    expect(readStaffKeyEnvelope(doc, 'staff-budi')).toEqual(envelope);
    expect(readStaffKeyEnvelope(doc, 'junk')).toBeNull();
    expect(readStaffKeyEnvelopes(doc)).toEqual([envelope]);
  });

  test('approval keys: a new key retires the old one; removal retires all', () => {
    const doc = new Y.Doc();
    const first = generateStaffKeyPair().publicKey;
    const second = generateStaffKeyPair().publicKey;
    putApprovalKey(doc, 'staff-budi', first, NOW);
    putApprovalKey(doc, 'staff-budi', second, NOW + 1000);
    const keys = readOutlet(doc).approvalKeys;
    expect(keys.find((k) => k.publicKey === first)).toEqual({ staffId: 'staff-budi', publicKey: first, createdAt: NOW, retiredAt: NOW + 1000 });
    expect(keys.find((k) => k.publicKey === second)).toEqual({ staffId: 'staff-budi', publicKey: second, createdAt: NOW + 1000 });
    expect(retireApprovalKeys(doc, 'staff-budi', NOW + 2000)).toBe(1);
    expect(readOutlet(doc).approvalKeys.every((k) => k.retiredAt !== undefined)).toBe(true);
  });

  test('old outlet documents: pinHash is not read, and scrubPinHashes drops it from the document', async () => {
    const doc = new Y.Doc();
    doc.getMap('staff').set('staff-budi', { id: 'staff-budi', name: 'Budi', role: 'manager', pinHash: await hashPinPbkdf2('9999'), active: true });
    putStaff(doc, { id: 'staff-sari', name: 'Sari', role: 'cashier' });
    expect(readOutlet(doc).staff.find((s) => s.id === 'staff-budi')).toEqual({ id: 'staff-budi', name: 'Budi', role: 'manager', active: true });
    expect(scrubPinHashes(doc)).toBe(1);
    expect(JSON.stringify(doc.getMap('staff').toJSON())).not.toMatch(/pinHash|pbkdf2/);
    expect(scrubPinHashes(doc)).toBe(0);
    // What a device syncing from scratch receives no longer carries the old verifier.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc));
    expect(new TextDecoder().decode(Y.encodeStateAsUpdate(fresh))).not.toContain('pbkdf2');
  });
});

describe('server-side PIN verifiers', () => {
  test('argon2id 19 MiB × 2; old PBKDF2 hashes still verify and ask to be upgraded', async () => {
    const fresh = await hashPin('123456');
    expect(fresh).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPin('123456', fresh)).toBe(true);
    expect(await verifyPin('123457', fresh)).toBe(false);
    expect(pinNeedsRehash(fresh)).toBe(false);
    const old = await hashPinPbkdf2('4321');
    expect(await verifyPin('4321', old)).toBe(true);
    expect(await verifyPin('4322', old)).toBe(false);
    expect(pinNeedsRehash(old)).toBe(true);
    expect(await verifyPin('4321', '$argon2id$garbage')).toBe(false);
    expect(await verifyPin('4321', undefined)).toBe(false);
  });
});
