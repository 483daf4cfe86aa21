import { describe, expect, test } from 'vitest';
import { parseDocName } from '@kiosk/shared';
import { accessFor, isTrustedRelay } from './roles';
import { ROLES, type Role } from './tokens';

const outletDoc = parseDocName('demo/main');
const dayDoc = parseDocName('demo/main/2026-11-22');
const otherOutlet = parseDocName('demo/branch/2026-11-22');
const otherTenant = parseDocName('acme/main');

function mode(role: Role, doc = outletDoc): string {
  const a = accessFor({ tenant: 'demo', outlet: 'main', role }, doc);
  return a.allowed ? a.mode : 'denied';
}

describe('role matrix', () => {
  test.each<[Role, string, string, string, string]>([
    // role        outlet doc  day doc   other outlet  other tenant
    ['terminal', 'read', 'write', 'denied', 'denied'],
    ['kitchen', 'read', 'write', 'denied', 'denied'],
    ['manager', 'write', 'write', 'denied', 'denied'],
    ['owner', 'write', 'write', 'denied', 'denied'],
    ['projector', 'write', 'write', 'write', 'denied'],
    ['box', 'write', 'write', 'denied', 'denied'],
  ])('%s: outlet %s, day %s, other outlet %s, other tenant %s', (role, o, d, oo, ot) => {
    expect([mode(role), mode(role, dayDoc), mode(role, otherOutlet), mode(role, otherTenant)]).toEqual([o, d, oo, ot]);
  });

  // staff PINs and approvals (issue 13)
  test.each<[Role, string]>([
    ['terminal', 'read'],
    ['kitchen', 'denied'],
    ['manager', 'denied'],
    ['owner', 'denied'],
    ['box', 'write'],
    ['projector', 'write'],
  ])('staff-keys document: %s %s', (role, expected) => {
    expect(mode(role, parseDocName('demo/main/staff-keys'))).toBe(expected);
    expect(mode(role, parseDocName('acme/main/staff-keys'))).toBe('denied');
  });

  test('every role is in the table', () => {
    expect([...ROLES].sort()).toEqual(['box', 'kitchen', 'manager', 'owner', 'projector', 'terminal']);
  });

  test('a box token opens only its own outlet: its day documents of any day, no other outlet, no other tenant', () => {
    const box = { tenant: 'demo', outlet: 'main', role: 'box' } as const;
    expect(accessFor(box, parseDocName('demo/main/2020-01-01'))).toEqual({ allowed: true, mode: 'write' });
    expect(accessFor(box, parseDocName('demo/branch'))).toEqual({ allowed: false, reason: 'token of outlet demo/main cannot open demo/branch' });
    expect(accessFor(box, parseDocName('demo/branch/2026-11-22'))).toEqual({
      allowed: false,
      reason: 'token of outlet demo/main cannot open demo/branch/2026-11-22',
    });
    expect(accessFor(box, parseDocName('acme/main/2026-11-22'))).toEqual({ allowed: false, reason: 'token of tenant demo cannot open acme/main/2026-11-22' });
  });

  test('trusted relays (no client-id ownership checks): the projector and the box, no device or user', () => {
    expect(ROLES.filter(isTrustedRelay).sort()).toEqual(['box', 'projector']);
  });

  test('a refusal names the token and the document', () => {
    expect(accessFor({ tenant: 'demo', outlet: 'main', role: 'terminal' }, otherOutlet)).toEqual({
      allowed: false,
      reason: 'token of outlet demo/main cannot open demo/branch/2026-11-22',
    });
  });
});
