/**
 * projector: orders/s from the update log to rows (each order 3 lines with their modifiers and
 * 1 payment, numbered, numbers written back), on PostgreSQL when a server is reachable and on
 * PGlite, side by side with inserting the same rows one transaction per order. The measuring
 * itself lives in `bench/children/projector-bench.ts` (`benchProjector`), run in a fresh process per
 * database (`children/projector.ts`), as `kiosk project` runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchResult } from './children/projector-bench';
import { REPO_ROOT, record, round, say } from './lib';

const PG_ORDERS = Number(process.env.KIOSK_BENCH_PROJECTOR_ORDERS ?? 20_000);
const PGLITE_ORDERS = Number(process.env.KIOSK_BENCH_PROJECTOR_PGLITE_ORDERS ?? 10_000);

/** Runs `children/projector.ts` against one database; its progress lines are relayed. */
function measure(name: string, target: string, orders: number): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/children/projector.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, KIOSK_BENCH_TARGET: target, KIOSK_BENCH_ORDERS: String(orders) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      for (const line of lines) if (line.trim() && !line.startsWith('npm warn')) say(`projector (${name}): ${line}`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code === 0 && last) resolve(JSON.parse(last) as BenchResult);
      else reject(new Error(`projector bench on ${name} exited with ${code}: ${err}`));
    });
  });
}

export async function projector(options: { postgresUrl?: string }): Promise<void> {
  const targets: { name: string; orders: number; open: () => { target: string; cleanup: () => void } }[] = [];
  if (options.postgresUrl) {
    const url = options.postgresUrl;
    targets.push({ name: 'PostgreSQL', orders: PG_ORDERS, open: () => ({ target: url, cleanup: () => {} }) });
  } else {
    say('projector: no PostgreSQL server, PostgreSQL figures skipped');
  }
  targets.push({
    name: 'PGlite',
    orders: PGLITE_ORDERS,
    open: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-bench-projector-'));
      return { target: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  });
  for (const t of targets) {
    const { target, cleanup } = t.open();
    try {
      const result = await measure(t.name, target, t.orders);
      record({
        bench: 'projector',
        metric: `log → rows, ${result.orders} orders (${t.name})`,
        value: result.ordersPerSecond,
        unit: 'orders/s',
        peer: result.baselineOrdersPerSecond,
        peerName: `one transaction per order, ${result.baselineOrders} orders`,
        ratio: round(result.ordersPerSecond / result.baselineOrdersPerSecond, 1),
        target: t.name === 'PostgreSQL' ? '≥ 10,000 orders/s and ≥ 10×' : undefined,
      });
    } finally {
      cleanup();
    }
  }
}
