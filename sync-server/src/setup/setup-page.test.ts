import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES } from '../security-headers';
import { qrSvg } from './qr-svg';
import { formatFingerprint, renderSetupPage, SETUP_PATHS, SETUP_STYLESHEET, setupLanguage } from './setup-page';
import { SETUP_TEXT } from './setup-text';

const FINGERPRINT = '3f'.repeat(32);
const URLS = ['https://kiosk-box.local:8080/', 'https://192.168.1.5:8080/', 'https://[fd00::5]:8080/'];
const page = (over: Partial<Parameters<typeof renderSetupPage>[0]> = {}) => renderSetupPage({ caFingerprint: FINGERPRINT, httpsUrls: URLS, ...over });

describe('renderSetupPage', () => {
  it('shows the CA fingerprint, grouped for comparing by eye', () => {
    expect(page()).toContain(`>${'3F:'.repeat(31)}3F<`);
    expect(formatFingerprint('AB:cd:01')).toBe('AB:CD:01');
    expect(formatFingerprint('not hex')).toBe('not hex');
  });

  it('links the certificate downloads (.crt and .pem) and the stylesheet', () => {
    const html = page();
    expect(html).toContain(`href="${SETUP_PATHS.caCrt}"`);
    expect(html).toContain(`href="${SETUP_PATHS.caPem}"`);
    expect(html).toContain(`<link rel="stylesheet" href="${SETUP_PATHS.stylesheet}">`);
  });

  it('links every https address', () => {
    const html = page();
    for (const url of URLS) expect(html).toContain(`<a class="address" href="${url}">${url}</a>`);
  });

  it('draws a QR code of the absolute download URL as a well-formed SVG', () => {
    const html = page();
    const svg = /<svg[^>]*role="img"[^>]*>.*?<\/svg>/s.exec(html)?.[0];
    expect(svg).toBeDefined();
    const downloadUrl = 'http://kiosk-box.local:8080/setup/ca.crt';
    expect(svg).toBe(qrSvg(downloadUrl, { label: SETUP_TEXT.id.qrLabel }));
    expect(html).toContain(downloadUrl);
    // Well-formed: one root, a viewBox for the matrix + quiet zone, and a path of only closed unit-height runs.
    const { modules } = QRCode.create(downloadUrl, { errorCorrectionLevel: 'M' });
    const side = modules.size + 8;
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" [^>]*viewBox="0 0 ${side} ${side}"`));
    const d = /<path fill="#000000" d="([^"]+)"\/>/.exec(svg!)![1];
    const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)];
    expect(runs.map((m) => m[0]).join('')).toBe(d);
    // Every dark module is drawn exactly once.
    const dark = modules.data.reduce((n, bit) => n + bit, 0);
    expect(runs.reduce((n, m) => n + Number(m[3]), 0)).toBe(dark);
    const drawn = new Set(runs.flatMap((m) => Array.from({ length: Number(m[3]) }, (_, i) => `${Number(m[1]) + i - 4},${Number(m[2]) - 4}`)));
    for (let y = 0; y < modules.size; y++)
      for (let x = 0; x < modules.size; x++) expect(drawn.has(`${x},${y}`), `${x},${y}`).toBe(Boolean(modules.data[y * modules.size + x]));
  });

  it('takes an explicit download URL for the QR code', () => {
    expect(page({ caDownloadUrl: 'http://kiosk-box.local:8081/setup/ca.crt' })).toContain('http://kiosk-box.local:8081/setup/ca.crt');
  });

  it('escapes HTML in every input and links only https:// addresses', () => {
    const html = renderSetupPage({
      caFingerprint: '<img src=x onerror=alert(1)>',
      httpsUrls: ['https://box.local/"><script>alert(1)</script>', 'javascript:alert(1)', 'http://box.local/<b>'],
      caDownloadUrl: 'http://box.local/"><script>x</script>',
    });
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<li>javascript:alert(1)</li>');
    expect(html).toContain('<li>http://box.local/&lt;b&gt;</li>');
    expect(html).toContain('href="https://box.local/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('is Bahasa Indonesia by default with a link to English, and English on ?lang=en', () => {
    const id = page();
    expect(id).toContain('<html lang="id">');
    expect(id).toContain(SETUP_TEXT.id.title);
    expect(id).toContain('href="/setup?lang=en"');
    const en = page({ language: setupLanguage('en') });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(SETUP_TEXT.en.title);
    expect(en).toContain('href="/setup?lang=id"');
    expect(setupLanguage(undefined)).toBe('id');
    expect(setupLanguage(['en'])).toBe('id');
  });

  it('has how-tos for Android, iPad, Windows and ChromeOS in both languages', () => {
    for (const language of ['id', 'en'] as const) {
      const text = SETUP_TEXT[language];
      const html = page({ language });
      for (const name of [text.android, text.ipad, text.windows, text.chromeos]) expect(html).toContain(`<span>${name}</span>`);
      for (const step of [...text.androidSteps, ...text.ipadSteps, ...text.windowsSteps, ...text.chromeosSteps]) expect(html).toContain(step.slice(0, 20));
    }
  });

  it('says so when the box has no https address', () => {
    const html = page({ httpsUrls: [] });
    expect(html).toContain(SETUP_TEXT.id.noAddresses);
    expect(html).not.toContain('<svg xmlns="http://www.w3.org/2000/svg" role="img"');
  });

  it('lists the other Kiosk boxes heard on the LAN, in both languages, with https links only', () => {
    const otherBoxes = [
      { name: 'dapur', url: 'https://192.0.2.8:8443/' },
      { name: '<b>kasir</b>', url: 'https://kasir.local:8443/' },
      { name: 'sneaky', url: 'http://192.0.2.9:8080/' },
    ];
    const id = page({ otherBoxes });
    expect(id).toContain(`<h2 id="other-boxes">${SETUP_TEXT.id.otherBoxes}</h2>`);
    expect(SETUP_TEXT.id.otherBoxes).toBe('Box Kiosk lain di jaringan ini');
    expect(id).toContain('<span class="box-name">dapur</span> <a class="address" href="https://192.0.2.8:8443/">https://192.0.2.8:8443/</a>');
    expect(id).toContain('<span class="box-name">&lt;b&gt;kasir&lt;/b&gt;</span>');
    expect(id).not.toContain('sneaky');
    const en = page({ otherBoxes, language: 'en' });
    expect(en).toContain(`<h2 id="other-boxes">Other Kiosk boxes on this network</h2>`);
    expect(en).toContain(SETUP_TEXT.en.otherBoxesHint.replace("'", '&#39;'));
  });

  it('leaves the other-boxes section out when none were heard', () => {
    expect(page()).not.toContain('other-boxes');
    expect(page({ otherBoxes: [] })).not.toContain('other-boxes');
  });

  it('needs nothing the CSP blocks: no script, no inline style, no external asset', () => {
    expect(CSP_DIRECTIVES['style-src']).not.toContain("'unsafe-inline'");
    for (const language of ['id', 'en'] as const) {
      const html = page({ language });
      expect(html).not.toMatch(/<script|<style|\sstyle=|\son\w+=/i);
      // Every src/href is same-origin (a path or a query) or one of the box's own addresses.
      const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      for (const ref of refs) expect(ref.startsWith('/') || ref.startsWith('?') || URLS.includes(ref), ref).toBe(true);
    }
  });

  it('keeps every control at least 44 px tall', () => {
    const rules = [...SETUP_STYLESHEET.matchAll(/([^{}]+)\{([^}]*)\}/g)].map((m) => ({ selectors: m[1].trim().split(','), body: m[2] }));
    for (const control of ['.lang', '.button', '.address', 'summary', '.secondary']) {
      const tall = rules.some((r) => r.selectors.includes(control) && r.body.includes('min-height:44px'));
      expect(tall, control).toBe(true);
    }
  });
});
