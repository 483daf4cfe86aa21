/**
 * A QR code as an SVG string, for the `/setup` page (the CA download URL). The `qrcode`
 * package encodes; the SVG is drawn here so the markup is known exactly: one `<path>` with
 * presentation attributes only (`fill`), no `style` attribute or `<style>`, which the server's
 * CSP (`style-src 'self'`, security-headers.ts) would block.
 *
 * ```ts
 * qrSvg('http://kiosk-box.local:8080/setup/ca.crt', { label: 'QR code of the certificate download' });
 * ```
 */
import QRCode from 'qrcode';
import { escapeHtml } from './html';

/** White border in modules; the QR spec asks for 4. */
const QUIET_ZONE = 4;

export function qrSvg(text: string, opts: { label: string; sizePx?: number }): string {
  // Level M: a phone camera reads it off a laptop or tablet screen at arm's length.
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const path: string[] = [];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n;) {
      if (!modules.data[y * n + x]) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < n && modules.data[y * n + x + run]) run++;
      path.push(`M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`);
      x += run;
    }
  }
  const side = n + 2 * QUIET_ZONE;
  const px = opts.sizePx ?? 224;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(opts.label)}" width="${px}" height="${px}" ` +
    `viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#ffffff"/><path fill="#000000" d="${path.join('')}"/></svg>`
  );
}
