/**
 * `/setup` on the box's plain-HTTP side (issue 14): a page a café owner follows on each tablet
 * to trust the box's certificate authority, then opens the box's https:// address. Pure: the
 * HTTP layer passes the CA fingerprint and the served addresses and sends the string back.
 *
 * CSP (security-headers.ts, `default-src 'self'`, `style-src 'self'`, no inline script): the page
 * has no script at all (the language toggle is a link, the per-device sections are
 * `<details>`), its styles come from `SETUP_STYLESHEET` served at `SETUP_PATHS.stylesheet`, and
 * the figures and the QR code are inline SVG with presentation attributes only.
 *
 * ```ts
 * app.get(SETUP_PATHS.page, (req, res) =>
 *   res.type('html').send(renderSetupPage({ caFingerprint, httpsUrls, language: setupLanguage(req.query.lang) })));
 * app.get(SETUP_PATHS.stylesheet, (_req, res) => res.type('css').send(SETUP_STYLESHEET));
 * ```
 */
import { FIGURES } from './figures';
import { escapeHtml } from './html';
import { qrSvg } from './qr-svg';
import { SETUP_TEXT, type SetupLanguage } from './setup-text';
import type { FoundBox } from '../discovery/box-record';

export { SETUP_STYLESHEET } from './setup-style';
export { setupLanguage, type SetupLanguage } from './setup-text';

/**
 * The routes the page links to. The HTTP layer serves them on the plain-HTTP side:
 * - `caCrt`: the CA certificate, DER, `Content-Type: application/x-x509-ca-cert` (iPadOS then
 *   offers it as a profile, Android and Windows as a certificate), `Content-Disposition:
 *   attachment; filename="kiosk-ca.crt"` (the how-to names that file);
 * - `caPem`: the same certificate, PEM, `application/x-pem-file`, `filename="kiosk-ca.pem"`;
 * - `stylesheet`: `SETUP_STYLESHEET` as `text/css`.
 */
export const SETUP_PATHS = { page: '/setup', caCrt: '/setup/ca.crt', caPem: '/setup/ca.pem', stylesheet: '/setup/setup.css' } as const;

export interface SetupPageInfo {
  /** SHA-256 of the CA certificate (DER): hex, with or without colons. */
  caFingerprint: string;
  /** The box's https:// addresses (hostname, `.local`, each interface address). Others are shown as text, never as links. */
  httpsUrls: string[];
  /** Default Bahasa Indonesia. */
  language?: SetupLanguage;
  /**
   * Absolute URL the QR code opens, so a second device can scan it off this screen. Default:
   * `caCrt` on plain http at the host and port of the first https address (right when HTTP and
   * HTTPS share one port; pass it when they do not).
   */
  caDownloadUrl?: string;
  /** Other Kiosk boxes heard on the LAN (mDNS, `discovery/`): a name and an https:// link each; the section is left out when empty. */
  otherBoxes?: FoundBox[];
}

/** `ab12…` or `AB:12:…` → `AB:12:…`; anything that is not hex is shown as given (escaped). */
export function formatFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[\s:]/g, '');
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length % 2 !== 0) return fingerprint.trim();
  return hex.toUpperCase().match(/../g)!.join(':');
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function defaultDownloadUrl(httpsUrls: string[]): string | null {
  const first = httpsUrls.find(isHttpsUrl);
  if (!first) return null;
  const url = new URL(first);
  return `http://${url.host}${SETUP_PATHS.caCrt}`;
}

function steps(items: string[]): string {
  return `<ol>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ol>`;
}

function device(figure: string, name: string, items: string[], open = false): string {
  return `<details${open ? ' open' : ''}><summary>${figure}<span>${escapeHtml(name)}</span></summary>${steps(items)}</details>`;
}

/** The whole page, `<!doctype html>` included. Every input is escaped; only https:// addresses become links. */
export function renderSetupPage(info: SetupPageInfo): string {
  const language = info.language ?? 'id';
  const text = SETUP_TEXT[language];
  const other: SetupLanguage = language === 'id' ? 'en' : 'id';
  const downloadUrl = info.caDownloadUrl ?? defaultDownloadUrl(info.httpsUrls);
  const qr = downloadUrl
    ? `<div class="qr">${qrSvg(downloadUrl, { label: text.qrLabel })}<p>${escapeHtml(text.qrHint)}<br><span class="download-url">${escapeHtml(downloadUrl)}</span></p></div>`
    : '';
  const addresses = info.httpsUrls.length
    ? `<ul class="addresses">${info.httpsUrls
        .map((url) => (isHttpsUrl(url) ? `<li><a class="address" href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>` : `<li>${escapeHtml(url)}</li>`))
        .join('')}</ul>`
    : `<p>${escapeHtml(text.noAddresses)}</p>`;
  const boxes = (info.otherBoxes ?? []).filter((box) => isHttpsUrl(box.url));
  const otherBoxes = boxes.length
    ? `<section aria-labelledby="other-boxes"><h2 id="other-boxes">${escapeHtml(text.otherBoxes)}</h2>
<p>${escapeHtml(text.otherBoxesHint)}</p>
<ul class="addresses" data-testid="other-boxes">${boxes
        .map(
          (box) => `<li><span class="box-name">${escapeHtml(box.name)}</span> <a class="address" href="${escapeHtml(box.url)}">${escapeHtml(box.url)}</a></li>`,
        )
        .join('')}</ul>
</section>
`
    : '';
  return `<!doctype html>
<html lang="${text.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(text.title)}</title>
<link rel="stylesheet" href="${SETUP_PATHS.stylesheet}">
</head>
<body>
<header><h1>${escapeHtml(text.title)}</h1><a class="lang" href="${SETUP_PATHS.page}?lang=${other}" hreflang="${other}" aria-label="${escapeHtml(text.otherLanguageLabel)}">${escapeHtml(text.otherLanguage)}</a></header>
<p>${escapeHtml(text.intro)}</p>
<section aria-labelledby="step1"><h2 id="step1">${escapeHtml(text.step1)}</h2>
<div class="download">${FIGURES.certificate}<div><a class="button" href="${SETUP_PATHS.caCrt}">${escapeHtml(text.download)}</a><br><a class="secondary" href="${SETUP_PATHS.caPem}">${escapeHtml(text.downloadPem)}</a></div></div>
${qr}
</section>
<section aria-labelledby="step2"><h2 id="step2">${escapeHtml(text.step2)}</h2>
${device(FIGURES.android, text.android, text.androidSteps, true)}
${device(FIGURES.ipad, text.ipad, text.ipadSteps)}
${device(FIGURES.windows, text.windows, text.windowsSteps)}
${device(FIGURES.windows, text.chromeos, text.chromeosSteps)}
</section>
<section aria-labelledby="step3"><h2 id="step3">${escapeHtml(text.step3)}</h2>
<p>${escapeHtml(text.fingerprintHint)}</p>
<p>${escapeHtml(text.fingerprintLabel)}:</p><p class="fingerprint" data-testid="ca-fingerprint">${escapeHtml(formatFingerprint(info.caFingerprint))}</p>
</section>
<section aria-labelledby="step4"><h2 id="step4">${escapeHtml(text.step4)}</h2>
<p>${escapeHtml(text.openHint)}</p>
${addresses}
</section>
${otherBoxes}</body>
</html>
`;
}
