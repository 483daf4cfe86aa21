import { describe, expect, test } from 'vitest';
import { REFUSAL_CODE, type RefusalReason } from '@kiosk/shared';
import { signToken, type SignTokenInput, type TokenClaims } from '../auth/tokens';
import { admit, type AdmissionDeps, type Admitted } from './admission';
import { Refusal } from './refusal';

const SECRET = 'admission-test-secret-of-32-characters';
const NOW = Date.parse('2026-11-02T10:00:00Z');
const DAY = 'demo/main/2026-11-02';

/** Admission with fake dependencies: a fixed clock, a revocation set, open-document counts per device. */
function deps(overrides: { closing?: boolean; revoked?: string[]; open?: number; maxDocsPerDevice?: number; isRevoked?: AdmissionDeps['isRevoked'] } = {}) {
  const opened: TokenClaims[] = [];
  const d: AdmissionDeps = {
    secret: SECRET,
    now: () => NOW,
    closing: () => overrides.closing ?? false,
    isRevoked: overrides.isRevoked ?? (async (jti) => (overrides.revoked ?? []).includes(jti)),
    maxDocsPerDevice: overrides.maxDocsPerDevice ?? 4,
    devices: {
      openDocs: () => overrides.open ?? 0,
      socketOpened: (claims) => void opened.push(claims),
    },
  };
  return { deps: d, opened };
}

const token = (input: Partial<SignTokenInput> = {}, now = NOW) =>
  signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'terminal', deviceId: 'T1', ...input }, { now });

function refusal(result: Admitted | Refusal): Refusal {
  expect(result).toBeInstanceOf(Refusal);
  return result as Refusal;
}

describe('admission', () => {
  test('every refusal it can produce, with its close code from REFUSAL_CODE', async () => {
    const cases: Array<
      [what: string, setup: ReturnType<typeof deps>, doc: string, token: string | null, reason: RefusalReason, code: number, message: RegExp]
    > = [
      ['shutting down', deps({ closing: true }), DAY, await token(), 'shutting_down', 1013, /shutting down/],
      ['bad date in the name', deps(), 'demo/main/2026-13-45', await token(), 'bad_doc_name', 4400, /calendar date|YYYY-MM-DD/],
      ['unknown name shape', deps(), 'demo', await token(), 'bad_doc_name', 4400, /document name/],
      ['no token', deps(), DAY, null, 'unauthorized', 4401, /no token/],
      ['garbage token', deps(), DAY, 'not-a-jwt', 'unauthorized', 4401, /not a valid JWT/],
      [
        'bad signature',
        deps(),
        DAY,
        await signToken('another-secret-of-32-characters-xx', { tenant: 'demo', outlet: 'main', role: 'owner' }, { now: NOW }),
        'unauthorized',
        4401,
        /signature/,
      ],
      ['expired', deps(), DAY, await token({ ttlSeconds: 60 }, NOW - 3_600_000), 'unauthorized', 4401, /expired/],
      ['revoked', deps({ revoked: ['jti-revoked'] }), DAY, await token({ jti: 'jti-revoked' }), 'unauthorized', 4401, /revoked/],
      ['other tenant', deps(), 'acme/main/2026-11-02', await token(), 'forbidden', 4403, /tenant demo/],
      ['other outlet', deps(), 'demo/branch/2026-11-02', await token(), 'forbidden', 4403, /outlet demo\/main/],
      ['device quota', deps({ open: 2, maxDocsPerDevice: 2 }), DAY, await token(), 'too_many_docs', 4429, /device T1 already has 2 documents open \(limit 2\)/],
    ];
    for (const [what, setup, doc, t, reason, code, message] of cases) {
      const r = refusal(await admit(setup.deps, doc, t));
      expect({ what, reason: r.reason, code: r.code }).toEqual({ what, reason, code });
      expect(r.code).toBe(REFUSAL_CODE[reason]);
      expect(r.message, what).toMatch(message);
      expect(r.closeText.startsWith(`${reason}: `), what).toBe(true);
      expect(setup.opened, `${what}: a refused socket is not counted`).toEqual([]);
    }
  });

  test('admitted: claims, mode and trust by role and document; the socket is counted once', async () => {
    const cases: Array<[role: SignTokenInput['role'], doc: string, mode: 'read' | 'write', trusted: boolean]> = [
      ['terminal', DAY, 'write', false],
      ['terminal', 'demo/main', 'read', false],
      ['kitchen', 'demo/main', 'read', false],
      ['manager', 'demo/main', 'write', false],
      ['projector', 'demo/branch', 'write', true],
    ];
    for (const [role, doc, mode, trusted] of cases) {
      const setup = deps({ open: 3, maxDocsPerDevice: 4 });
      const result = await admit(setup.deps, doc, await token({ role, deviceId: `${role}-1` }));
      expect(result).not.toBeInstanceOf(Refusal);
      const admitted = result as Admitted;
      expect({ role, doc, mode: admitted.mode, trusted: admitted.trusted }).toEqual({ role, doc, mode, trusted });
      expect(admitted.claims).toMatchObject({ tenant: 'demo', outlet: 'main', role, deviceId: `${role}-1` });
      expect(setup.opened).toEqual([admitted.claims]);
    }
  });

  test('a failing revocation lookup is an error, not a refusal (the relay answers load_failed)', async () => {
    const setup = deps({ isRevoked: async () => Promise.reject(new Error('database down')) });
    await expect(admit(setup.deps, DAY, await token())).rejects.toThrow('database down');
  });
});
