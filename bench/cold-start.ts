/**
 * cold start: time from process start to a terminal's day document (500 orders, numbered)
 * loaded from IndexedDB and folded for the screen. Runs `bench/children/cold-start.ts` in a
 * fresh Node process with fake-indexeddb standing in for the browser's IndexedDB (see there
 * for what is timed). No peer: nothing else a user would pick loads this document.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT, record, round } from './lib';

const RUNS = 5;

interface ChildResult {
  orders: number;
  processToModulesMs: number;
  first: { ms: number; loadMs: number };
  second: { ms: number; loadMs: number };
}

export async function coldStart(): Promise<void> {
  const results: ChildResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/children/cold-start.ts'], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
    results.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult);
  }
  const median = (f: (r: ChildResult) => number) => [...results.map(f)].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  const orders = results[0].orders;
  const note = `fake-indexeddb in Node (in-memory IndexedDB), median of ${RUNS} processes; tsx compiles TypeScript at import, which a built PWA does not`;
  record({
    bench: 'cold-start',
    metric: 'process start → terminal modules loaded (yjs, y-indexeddb, @kiosk/shared)',
    value: round(median((r) => r.processToModulesMs)),
    unit: 'ms',
    note,
  });
  record({
    bench: 'cold-start',
    metric: `day document (${orders} orders, 1,000 IndexedDB records) loaded from IndexedDB`,
    value: round(median((r) => r.first.loadMs)),
    unit: 'ms',
    note,
  });
  record({ bench: 'cold-start', metric: `… and every order folded for the screen`, value: round(median((r) => r.first.ms)), unit: 'ms' });
  record({
    bench: 'cold-start',
    metric: `process start → ${orders}-order day loaded and folded`,
    value: round(median((r) => r.processToModulesMs + r.first.ms)),
    unit: 'ms',
    note,
  });
  record({
    bench: 'cold-start',
    metric: 'next start (records compacted by the first load): load + fold',
    value: round(median((r) => r.second.ms)),
    unit: 'ms',
  });
}
