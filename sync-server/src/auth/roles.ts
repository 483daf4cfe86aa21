/**
 * The role matrix: what a token may do with a document. Pure, so the whole matrix is tested
 * in one table (`roles.test.ts`).
 *
 * | role               | outlet doc `{t}/{o}` | day docs `{t}/{o}/{day}` | staff keys `{t}/{o}/staff-keys` | other outlets of the tenant |
 * | ------------------ | -------------------- | ------------------------ | ------------------------------- | --------------------------- |
 * | terminal           | read                 | read + write             | read                            | no                          |
 * | kitchen            | read                 | read + write             | no                              | no                          |
 * | manager, owner     | read + write         | read + write             | no                              | no                          |
 * | box                | read + write         | read + write             | read + write                    | no                          |
 * | projector          | read + write         | read + write             | read + write                    | read + write (any outlet)   |
 *
 * The staff-keys document holds every staff member's approval key sealed under their PIN: the
 * only thing an offline PIN guess can be tested against. A terminal needs it to unlock an
 * approver offline; a kitchen display never asks for a PIN, and a back-office session (any
 * browser a manager signs in on) works online, so both are refused (4403). Its envelopes are
 * written by the back-office API through the relay (server origin), never by a device.
 *
 * `box` is the role of a LAN box's upstream token: the box relays every document of ITS
 * outlet, written by many devices, so the cloud treats it as a trusted relay there (as it
 * treats the projector), and refuses it every other outlet. `projector` is the server-side
 * worker and opens any outlet of its tenant.
 */
import { unreachable, type DocName } from '@kiosk/shared';
import type { Role, TokenClaims } from './tokens';

export type Access = { allowed: true; mode: 'read' | 'write' } | { allowed: false; reason: string };

export function accessFor(claims: Pick<TokenClaims, 'tenant' | 'outlet' | 'role'>, doc: DocName): Access {
  if (claims.tenant !== doc.tenant) {
    return { allowed: false, reason: `token of tenant ${claims.tenant} cannot open ${doc.name}` };
  }
  if (claims.role === 'projector') return { allowed: true, mode: 'write' };
  if (claims.outlet !== doc.outlet) {
    return { allowed: false, reason: `token of outlet ${claims.tenant}/${claims.outlet} cannot open ${doc.name}` };
  }
  switch (doc.kind) {
    case 'day':
      return { allowed: true, mode: 'write' };
    case 'outlet':
      return { allowed: true, mode: canWriteOutlet(claims.role) ? 'write' : 'read' };
    case 'staff-keys':
      return staffKeysAccess(claims.role, doc.name);
    default:
      return unreachable(doc, 'document kind');
  }
}

function staffKeysAccess(role: Role, name: string): Access {
  switch (role) {
    case 'terminal':
      return { allowed: true, mode: 'read' };
    case 'box':
    case 'projector':
      return { allowed: true, mode: 'write' };
    case 'kitchen':
    case 'manager':
    case 'owner':
      return { allowed: false, reason: `role ${role} cannot open ${name}: sealed staff keys are for terminals only` };
    default:
      return unreachable(role, 'role');
  }
}

function canWriteOutlet(role: Role): boolean {
  switch (role) {
    case 'manager':
    case 'owner':
    case 'projector':
    case 'box':
      return true;
    case 'terminal':
    case 'kitchen':
      return false;
    default:
      return unreachable(role, 'role');
  }
}

/**
 * Trusted relays (the projector, a LAN box's upstream link) forward structs written by other
 * devices, so they neither claim Yjs client ids nor are checked against other devices' claims.
 * A box is only ever admitted to its own outlet (`accessFor`), so its trust stops there.
 */
export function isTrustedRelay(role: Role): boolean {
  return role === 'projector' || role === 'box';
}
