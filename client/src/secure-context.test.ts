import { describe, expect, it } from 'vitest';
import { secureContextProblem } from './secure-context';

const at = (url: string) => new URL(url);

describe('secureContextProblem', () => {
  it('is null on a secure context with WebCrypto (https, or loopback http)', () => {
    expect(secureContextProblem({ isSecureContext: true, hasSubtle: true, location: at('https://kiosk-box.test:8443/pos') })).toBeNull();
    expect(secureContextProblem({ isSecureContext: true, hasSubtle: true, location: at('http://localhost:8080/pos') })).toBeNull();
  });

  it('names an http LAN address and points to https on the same host, port and path', () => {
    expect(secureContextProblem({ isSecureContext: false, hasSubtle: false, location: at('http://192.168.1.5:8080/pos') })).toEqual({
      kind: 'insecure-origin',
      httpsUrl: 'https://192.168.1.5:8080/pos',
      setupUrl: 'http://192.168.1.5:8080/setup',
    });
    expect(secureContextProblem({ isSecureContext: false, hasSubtle: false, location: at('http://kiosk-box.test:8080/office/staff?x=1#top') })).toEqual({
      kind: 'insecure-origin',
      httpsUrl: 'https://kiosk-box.test:8080/office/staff?x=1#top',
      setupUrl: 'http://kiosk-box.test:8080/setup',
    });
  });

  it('keeps a default port out of the address', () => {
    expect(secureContextProblem({ isSecureContext: false, hasSubtle: false, location: at('http://kiosk-box.test/kitchen') })?.httpsUrl).toBe(
      'https://kiosk-box.test/kitchen',
    );
  });

  it('trusts isSecureContext over crypto.subtle being present', () => {
    // Some browsers expose crypto.subtle but still deny the service worker on http.
    expect(secureContextProblem({ isSecureContext: false, hasSubtle: true, location: at('http://10.0.0.2:8080/pos') })?.kind).toBe('insecure-origin');
  });

  it('falls back to crypto.subtle on a browser that does not report isSecureContext', () => {
    expect(secureContextProblem({ isSecureContext: undefined, hasSubtle: false, location: at('http://10.0.0.2:8080/pos') })?.kind).toBe('insecure-origin');
    expect(secureContextProblem({ isSecureContext: undefined, hasSubtle: true, location: at('http://10.0.0.2:8080/pos') })).toBeNull();
  });

  it('has no https address to offer when the page is not on http', () => {
    expect(secureContextProblem({ isSecureContext: false, hasSubtle: false, location: at('file:///tmp/index.html') })).toEqual({
      kind: 'insecure-origin',
      httpsUrl: null,
      setupUrl: null,
    });
  });

  it('names a secure context without WebCrypto apart', () => {
    expect(secureContextProblem({ isSecureContext: true, hasSubtle: false, location: at('https://kiosk-box.test/pos') })).toEqual({
      kind: 'no-webcrypto',
      httpsUrl: null,
      setupUrl: null,
    });
  });
});
