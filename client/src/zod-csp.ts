/**
 * Imported first by main.tsx, before any schema is built: zod v4 compiles object parsers with
 * `new Function` unless told not to, and the server's Content-Security-Policy
 * (sync-server/src/security-headers.ts: `script-src 'self' 'wasm-unsafe-eval'`, no
 * 'unsafe-eval') forbids it. Jitless parsing is what zod falls back to anyway when `eval` is
 * blocked; saying so up front avoids the failed probe and its CSP violation report.
 */
import { z } from 'zod';

z.config({ jitless: true });
