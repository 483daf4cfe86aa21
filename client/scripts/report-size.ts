/**
 * Reports what the POS route costs a terminal on first load: the entry chunk, the POS route
 * chunk and every chunk they import statically, gzipped. The budget is 200 KB (issue 7).
 *
 * Used as a Vite plugin (prints after every `vite build` and writes `dist/size-report.json`)
 * and as a script: `node --import tsx client/scripts/report-size.ts [distDir]`.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const POS_BUDGET_BYTES = 200 * 1024;
/** Source path of the POS route module as it appears in Vite's manifest. */
export const POS_ROUTE_SRC = 'src/routes/pos/PosPage.tsx';

export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export interface SizeReport {
  /** Files loaded before the POS screen can show, in load order. */
  files: Array<{ file: string; gzipBytes: number }>;
  posInitialGzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
}

/**
 * The chunks (manifest keys) the POS route needs: the entry, the route's own chunk, and the
 * static-import closure of both. Dynamic imports (office, receipt QR …) are not counted.
 */
export function posInitialChunks(manifest: Manifest, posSrc = POS_ROUTE_SRC): string[] {
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entry) throw new Error('vite manifest has no entry chunk');
  if (!manifest[posSrc]) throw new Error(`vite manifest has no chunk for ${posSrc} (is the POS route lazy-loaded?)`);
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`vite manifest refers to unknown chunk ${key}`);
    seen.add(key);
    for (const child of chunk.imports ?? []) visit(child);
  };
  visit(entry);
  visit(posSrc);
  return [...seen];
}

export function sizeReport(distDir: string): SizeReport {
  const manifestPath = path.join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no Vite manifest at ${manifestPath}: build the client first (npm run build -w @kiosk/client)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const files = posInitialChunks(manifest).map((key) => {
    const file = manifest[key].file;
    return { file, gzipBytes: gzipSync(readFileSync(path.join(distDir, file)), { level: 9 }).length };
  });
  const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return { files, posInitialGzipBytes: total, budgetBytes: POS_BUDGET_BYTES, withinBudget: total <= POS_BUDGET_BYTES };
}

export function formatReport(report: SizeReport): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = report.files.map((f) => `  ${f.file.padEnd(48)} ${kb(f.gzipBytes).padStart(10)}`);
  return [
    'POS route initial JavaScript (gzip):',
    ...lines,
    `  ${'total'.padEnd(48)} ${kb(report.posInitialGzipBytes).padStart(10)}  (budget ${kb(report.budgetBytes)}: ${report.withinBudget ? 'OK' : 'OVER BUDGET'})`,
  ].join('\n');
}

/** Vite plugin: prints the report after the bundle is written and saves it as JSON. */
export function reportSizePlugin(): {
  name: string;
  apply: 'build';
  closeBundle: { order: 'post'; handler(): void };
  configResolved(config: { root: string; build: { outDir: string } }): void;
} {
  let distDir = '';
  return {
    name: 'kiosk-report-size',
    apply: 'build',
    configResolved(config) {
      distDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      handler() {
        // A failed build still closes the bundle; its own error is the one to show.
        if (!existsSync(path.join(distDir, '.vite', 'manifest.json'))) return;
        const report = sizeReport(distDir);
        writeFileSync(path.join(distDir, 'size-report.json'), JSON.stringify(report, null, 2));
        console.log(`\n${formatReport(report)}`);
      },
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const report = sizeReport(dist);
  console.log(formatReport(report));
  process.exit(report.withinBudget ? 0 : 1);
}
