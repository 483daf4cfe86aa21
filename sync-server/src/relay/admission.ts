/**
 * Admission of a new socket, in this order: the relay is not shutting down → the document name
 * parses → the token verifies → it is not revoked → the role may open the document (`accessFor`)
 * → the device has a document to spare. The result is `Admitted` or the `Refusal` to close with.
 *
 * Everything it asks is injected, so every refusal is tested without a socket
 * (`admission.test.ts`). Errors that are not a refusal (the revocation lookup failing) are
 * thrown: the relay logs them and refuses with `load_failed` (try again).
 */
import { DocNameError, parseDocName } from '@kiosk/shared';
import { accessFor, isTrustedRelay } from '../auth/roles';
import { TokenError, verifyToken, type BoxKeyResolver, type TokenClaims } from '../auth/tokens';
import { Refusal } from './refusal';

export interface Admitted {
  claims: TokenClaims;
  mode: 'read' | 'write';
  /** A trusted relay (LAN box link, projector): neither claims client ids nor is checked against them. */
  trusted: boolean;
}

export interface AdmissionDeps {
  secret: string | Uint8Array;
  now(): number;
  closing(): boolean;
  isRevoked(jti: string): Promise<boolean>;
  /** Keys of LAN boxes, for box-signed device tokens (absent: such tokens are refused). */
  boxKeys?: BoxKeyResolver;
  maxDocsPerDevice: number;
  /**
   * The device's open documents. Admission counts the new one itself (`socketOpened`) in the same
   * synchronous step as the check, so two sockets of one device cannot both take the last place;
   * the caller uncounts it (`socketClosed`) if the socket went away meanwhile.
   */
  devices: { openDocs(claims: TokenClaims): number; socketOpened(claims: TokenClaims): void };
}

export async function admit(deps: AdmissionDeps, docName: string, token: string | null): Promise<Admitted | Refusal> {
  if (deps.closing()) return new Refusal('shutting_down', 'server shutting down, try again');
  let name;
  try {
    name = parseDocName(docName);
  } catch (error) {
    if (error instanceof DocNameError) return new Refusal('bad_doc_name', `bad document name: ${error.message}`);
    throw error;
  }
  let claims;
  try {
    claims = await verifyToken(deps.secret, token, { now: deps.now(), boxKeys: deps.boxKeys });
    if (await deps.isRevoked(claims.jti)) throw new TokenError('revoked', 'token revoked');
  } catch (error) {
    if (error instanceof TokenError) return new Refusal('unauthorized', error.message);
    throw error;
  }
  const access = accessFor(claims, name);
  if (!access.allowed) return new Refusal('forbidden', access.reason);
  const open = deps.devices.openDocs(claims);
  if (open >= deps.maxDocsPerDevice) {
    return new Refusal('too_many_docs', `device ${claims.deviceId} already has ${open} documents open (limit ${deps.maxDocsPerDevice})`);
  }
  deps.devices.socketOpened(claims);
  return { claims, mode: access.mode, trusted: isTrustedRelay(claims.role) };
}
