/**
 * The HTTP side of TLS: the CA certificate downloads (every transport), and the plain-HTTP rule
 * of plain-http.ts for requests that did not come over TLS (the /setup page for other devices,
 * a 308 to https for everything else). Mounted by http.ts when the server speaks TLS.
 */
import express from 'express';
import type { IncomingMessage } from 'node:http';
import { clientAddress, requestIsSecure, type TrustProxySetting } from '../security-headers';
import { pemToDer } from './certificates';
import { isLoopbackAddress } from './names';
import { decidePlainHttp } from './plain-http';
import type { FoundBox } from '../discovery/box-record';
import { renderSetupPage, SETUP_PATHS, SETUP_STYLESHEET, setupLanguage, type SetupLanguage } from '../setup/setup-page';

/** What the /setup page shows: the CA to trust, its fingerprint to compare, and where to go next. */
export interface SetupInfo {
  caPem: string;
  /** SHA-256, upper-case hex pairs joined by colons (as devices display it). */
  caFingerprint: string;
  /** `https://name:port` for every name and address the certificate covers. */
  httpsUrls: string[];
  /** Other Kiosk boxes heard on the LAN (`startSyncServer({ discovery })`); absent or empty = none shown. */
  otherBoxes?: FoundBox[];
}

/** Renders the /setup page (HTML) for devices on plain HTTP, in the language asked for (`?lang=en`, default Bahasa Indonesia). */
export type SetupPage = (info: SetupInfo, language: SetupLanguage) => string;

/** The café owner's how-to (`setup/setup-page.ts`): download + QR, fingerprint, steps per device, the https addresses. */
export const defaultSetupPage: SetupPage = (info, language) =>
  renderSetupPage({
    caFingerprint: info.caFingerprint,
    httpsUrls: info.httpsUrls.filter((url) => !isLoopbackUrl(url)),
    otherBoxes: info.otherBoxes?.filter((box) => !isLoopbackUrl(box.url)),
    language,
  });

/** A tablet cannot reach the box by `localhost` or a loopback address: those are not offered to it. */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || isLoopbackAddress(host);
}

export interface TlsRoutesOptions {
  /** The box CA and URLs now; null with an operator's certificate (no CA to hand out). */
  info: () => SetupInfo | null;
  port: () => number;
  /** Host for a redirect when the request's Host header is unusable. */
  fallbackHost: () => string;
  setupPage?: SetupPage;
  trustProxy?: TrustProxySetting;
}

export const CA_PEM_PATH = SETUP_PATHS.caPem;
export const CA_DER_PATH = SETUP_PATHS.caCrt;

/** Loopback peer, and (behind a trusted proxy) a loopback client too. */
export function isLoopbackRequest(req: IncomingMessage, trustProxy: TrustProxySetting): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && isLoopbackAddress(clientAddress(req, trustProxy));
}

export function tlsRoutes(options: TlsRoutesOptions): express.Router {
  const router = express.Router();
  const trustProxy = options.trustProxy ?? false;

  const noCa = (req: express.Request, res: express.Response) =>
    res.status(404).json({ error: { code: 'not_found', message: `no box CA: this server uses its operator's certificate (${req.path})` } });
  router.get(CA_PEM_PATH, (req, res) => {
    const info = options.info();
    if (!info) return noCa(req, res);
    res.set({ 'Content-Type': 'application/x-pem-file', 'Content-Disposition': 'attachment; filename="kiosk-ca.pem"', 'Cache-Control': 'no-cache' });
    res.send(info.caPem);
  });
  router.get(CA_DER_PATH, (req, res) => {
    const info = options.info();
    if (!info) return noCa(req, res);
    res.set({ 'Content-Type': 'application/x-x509-ca-cert', 'Content-Disposition': 'attachment; filename="kiosk-ca.crt"', 'Cache-Control': 'no-cache' });
    res.send(pemToDer(info.caPem));
  });

  // The setup page's styles (the CSP allows no inline style), on every transport like the CA.
  router.get(SETUP_PATHS.stylesheet, (_req, res) => {
    res.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.send(SETUP_STYLESHEET);
  });

  router.use((req, res, next) => {
    const info = options.info();
    const decision = decidePlainHttp({
      secure: requestIsSecure(req, trustProxy),
      loopbackClient: isLoopbackRequest(req, trustProxy),
      // Without a box CA there is nothing for /setup to hand out: everything goes to https.
      path: info ? req.path : '',
      url: req.originalUrl,
      hostHeader: req.headers.host,
      port: options.port(),
      fallbackHost: options.fallbackHost(),
    });
    switch (decision.kind) {
      case 'app':
        return next();
      case 'redirect':
        res.redirect(308, decision.location);
        return;
      case 'setup':
        if (!info || (req.path !== '/setup' && req.path !== '/setup/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
          res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } });
          return;
        }
        res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
        res.send((options.setupPage ?? defaultSetupPage)(info, setupLanguage(req.query.lang)));
        return;
      default: {
        const never: never = decision;
        throw new Error(`unexpected plain-HTTP decision ${JSON.stringify(never)}`);
      }
    }
  });
  return router;
}
