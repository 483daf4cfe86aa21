/**
 * The POS route's initial JavaScript stays within 200 KB gzipped (issue 7). Builds the client
 * into a temporary directory (so a parallel build of client/dist is never disturbed) and reads
 * the report the build's size plugin wrote.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { POS_BUDGET_BYTES, posInitialChunks, sizeReport, type Manifest, type SizeReport } from '../scripts/report-size';

const CLIENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('client bundle', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'kiosk-client-build-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  test('the POS route loads at most 200 KB of gzipped JavaScript, and the back-office is not part of it', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(CLIENT, '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', outDir, '--emptyOutDir'],
      { cwd: CLIENT, encoding: 'utf8', timeout: 180_000 },
    );
    expect(result.status, `vite build failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/POS route initial JavaScript \(gzip\)/);
    const written = JSON.parse(readFileSync(path.join(outDir, 'size-report.json'), 'utf8')) as SizeReport;
    expect(written).toEqual(sizeReport(outDir));
    console.log(`POS initial JS: ${(written.posInitialGzipBytes / 1024).toFixed(1)} KB gzipped (budget ${POS_BUDGET_BYTES / 1024} KB)`);
    expect(written.posInitialGzipBytes).toBeGreaterThan(10_000);
    expect(written.posInitialGzipBytes).toBeLessThanOrEqual(POS_BUDGET_BYTES);
    const manifest = JSON.parse(readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
    const counted = posInitialChunks(manifest);
    expect(counted).not.toContain('src/routes/office/OfficePage.tsx');
    expect(manifest['src/routes/office/OfficePage.tsx']?.isDynamicEntry).toBe(true);
    // The service worker precaches the shell.
    expect(readFileSync(path.join(outDir, 'sw.js'), 'utf8')).toMatch(/index\.html/);
  });
});
