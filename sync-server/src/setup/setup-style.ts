/**
 * The stylesheet of the `/setup` page, served as a file (`SETUP_PATHS.stylesheet`) because the
 * server's CSP is `style-src 'self'` with no `'unsafe-inline'` and no nonce (security-headers.ts):
 * an inline `<style>` or `style=""` would be dropped by the browser. A separate route keeps the
 * one CSP unchanged for every route. Every control is at least 44 px tall (touch targets).
 */
export const SETUP_STYLESHEET = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a;background:#f1f5f9;line-height:1.5}
body{margin:0 auto;max-width:46rem;padding:1rem}
header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.2rem;margin:0 0 .5rem}
section{background:#fff;border-radius:.75rem;padding:1rem;margin:1rem 0;box-shadow:0 1px 2px #0f172a22}
a{color:#1d4ed8}
.lang,.button,.address,summary{min-height:44px;min-width:44px;display:inline-flex;align-items:center}
.lang{padding:0 1rem;border:1px solid #94a3b8;border-radius:.5rem;background:#fff;text-decoration:none;color:#0f172a}
.button{padding:.5rem 1.25rem;border-radius:.5rem;background:#0f172a;color:#fff;font-weight:600;text-decoration:none;font-size:1.1rem}
.secondary{display:inline-flex;min-height:44px;align-items:center;margin-left:.25rem}
.download{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
.qr{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin-top:1rem}
.qr svg{border:1px solid #cbd5e1;border-radius:.5rem;max-width:100%;height:auto}
details{border-top:1px solid #e2e8f0;padding:.25rem 0}
summary{cursor:pointer;gap:.75rem;font-weight:600;font-size:1.05rem;width:100%}
summary svg{flex:none;width:64px;height:48px}
summary::-webkit-details-marker{display:none}
summary::after{content:"\\25BE";margin-left:auto;font-size:1.4rem}
details[open]>summary::after{content:"\\25B4"}
ol{padding-left:1.5rem}
li{margin:.5rem 0}
.download-url{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.fingerprint{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05rem;word-break:break-all;background:#f8fafc;border:1px solid #cbd5e1;border-radius:.5rem;padding:.75rem;margin:.5rem 0 0}
.addresses{list-style:none;padding:0}
.box-name{font-weight:600;margin-right:.5rem}
.address{padding:.5rem 1rem;border:2px solid #1d4ed8;border-radius:.5rem;font-weight:600;word-break:break-all;text-decoration:none}
`.trim();
