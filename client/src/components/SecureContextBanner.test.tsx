import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from '../i18n';
import { en } from '../i18n/en';
import { PinUnavailable, SecureContextBanner } from './SecureContextBanner';

const html = (node: ReactNode) => renderToStaticMarkup(<I18nProvider>{node}</I18nProvider>);
// renderToStaticMarkup escapes ’ and friends only as needed; compare on a fragment without them.
const start = (text: string) => text.slice(0, 40);

describe('SecureContextBanner', () => {
  // English whatever the machine's locale (the provider reads the saved language first).
  beforeEach(() => vi.stubGlobal('localStorage', { getItem: () => 'en' }));
  afterEach(() => vi.unstubAllGlobals());

  it('renders nothing on a secure context', () => {
    vi.stubGlobal('window', { isSecureContext: true, location: new URL('https://kiosk-box.test:8080/pos') });
    expect(html(<SecureContextBanner />)).toBe('');
  });

  it('on http:// says what is wrong and links the https address of the same page and /setup', () => {
    vi.stubGlobal('window', { isSecureContext: false, location: new URL('http://kiosk-box.test:8080/kitchen') });
    const out = html(<SecureContextBanner />);
    expect(out).toContain('role="alert"');
    expect(out).toContain(en.insecureTitle);
    expect(out).toContain(start(en.insecureBody));
    expect(out).toContain('href="https://kiosk-box.test:8080/kitchen"');
    expect(out).toContain('href="http://kiosk-box.test:8080/setup"');
    expect(out.match(/role="alert"/g)).toHaveLength(1);
  });

  it('the PIN pad notice says why it cannot sign in', () => {
    const out = html(<PinUnavailable problem={{ kind: 'insecure-origin', httpsUrl: 'https://10.0.0.2:8080/pos', setupUrl: 'http://10.0.0.2:8080/setup' }} />);
    expect(out).toContain(start(en.pinUnavailableInsecure));
    expect(out).toContain('href="https://10.0.0.2:8080/pos"');
    expect(html(<PinUnavailable problem={{ kind: 'no-webcrypto', httpsUrl: null, setupUrl: null }} />)).toContain(start(en.pinUnavailableNoCrypto));
  });
});
