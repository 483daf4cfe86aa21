/**
 * The role matrix: what a token may do with a document. Pure, so the whole matrix is tested
 * in one table (`roles.test.ts`).
 *
 * | role               | outlet doc `{t}/{o}` | day docs `{t}/{o}/{day}` | other outlets of the tenant |
 * | ------------------ | -------------------- | ------------------------ | --------------------------- |
 * | terminal, kitchen  | read                 | read + write             | no                          |
 * | manager, owner     | read + write         | read + write             | no                          |
 * | box                | read + write         | read + write             | no                          |
 * | projector          | read + write         | read + write             | read + write (any outlet)   |
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
    default:
      return unreachable(doc, 'document kind');
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
