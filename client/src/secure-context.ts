/**
 * Is this page able to do what the product promises (offline start, PIN sign-in)? Browsers give
 * the service worker and WebCrypto (`crypto.subtle`, which opens the sealed staff keys) only
 * to secure contexts: `https://…` or loopback. A tablet that opens the box as
 * `http://192.168.1.5:8080/pos` gets neither, and before issue 14 the PIN pad then did
 * nothing. This module names the problem and the way out; `SecureContextBanner` and the PIN
 * pads show it. Pure: the caller passes what the browser reports.
 *
 * ```ts
 * secureContextProblem({ isSecureContext: false, hasSubtle: false, location: new URL('http://kiosk-box.test:8080/pos') });
 * // → { kind: 'insecure-origin', httpsUrl: 'https://kiosk-box.test:8080/pos', setupUrl: 'http://kiosk-box.test:8080/setup' }
 * ```
 */

export type SecureContextProblem =
  /** Not a secure context (plain http on a LAN address): no service worker, no WebCrypto. */
  | { kind: 'insecure-origin'; httpsUrl: string | null; setupUrl: string | null }
  /** A secure context whose browser still has no WebCrypto (very old or stripped-down browser). */
  | { kind: 'no-webcrypto'; httpsUrl: null; setupUrl: null };

export interface SecureContextInput {
  /** `window.isSecureContext`; undefined on browsers too old to report it. */
  isSecureContext: boolean | undefined;
  /** `typeof crypto.subtle?.importKey === 'function'`. */
  hasSubtle: boolean;
  location: Pick<Location, 'protocol' | 'host' | 'pathname' | 'search' | 'hash'>;
}

/** null when all is well; otherwise what is wrong and the secure address of this same page. */
export function secureContextProblem({ isSecureContext, hasSubtle, location }: SecureContextInput): SecureContextProblem | null {
  const insecure = isSecureContext === false || (isSecureContext === undefined && !hasSubtle && location.protocol === 'http:');
  if (insecure) {
    // The box serves HTTPS on the same host and port (issue 14); the same path keeps the user on the screen they asked for.
    const onHttp = location.protocol === 'http:' && location.host !== '';
    return {
      kind: 'insecure-origin',
      httpsUrl: onHttp ? `https://${location.host}${location.pathname}${location.search}${location.hash}` : null,
      setupUrl: onHttp ? `http://${location.host}/setup` : null,
    };
  }
  if (!hasSubtle) return { kind: 'no-webcrypto', httpsUrl: null, setupUrl: null };
  return null;
}

/** The same check on the running browser (null outside one, e.g. in unit tests). */
export function currentSecureContextProblem(): SecureContextProblem | null {
  if (typeof window === 'undefined') return null;
  return secureContextProblem({
    isSecureContext: window.isSecureContext,
    hasSubtle: typeof globalThis.crypto?.subtle?.importKey === 'function',
    location: window.location,
  });
}
