/**
 * `npm run bench` — every benchmark, one after another (`npm run bench -- <name> …` for some).
 * Prints one JSON line per measurement, a table at the end, and writes
 * `bench/results/latest.json`. Benchmarks never fail the build: a benchmark that breaks is
 * reported as such and the others still run.
 *
 * PostgreSQL: `KIOSK_BENCH_DATABASE_URL` (or `DATABASE_URL`) names a server on which the bench
 * creates and drops its own databases; without one, a local server on 127.0.0.1:5432 is used
 * when it answers, else the PostgreSQL figures are skipped (and say so).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measurements, REPO_ROOT, say } from './lib';
import { postgresServer } from './postgres';
import { table } from './report';

type Bench = (ctx: { postgresUrl?: string; postgresServerUrl?: string }) => Promise<void>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  'fan-out': async () => (await import('./fan-out')).fanOut,
  projector: async () => (await import('./projector')).projector,
  reconnect: async () => (await import('./reconnect')).reconnect,
  growth: async () => (await import('./growth')).growth,
  'cold-start': async () => (await import('./cold-start')).coldStart,
  'relay-memory': async () => (await import('./relay-memory')).relayMemory,
  'write-rules': async () => (await import('./write-rules')).writeRules,
  'pin-bruteforce': async () => (await import('./pin-bruteforce')).pinBruteforce,
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !(a in BENCHES));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const names = asked.length ? asked : Object.keys(BENCHES);
const started = Date.now();
const pg = await postgresServer();
say(pg ? `PostgreSQL server: ${pg.display}` : 'no PostgreSQL server reachable: PostgreSQL figures skipped');
const failures: string[] = [];
for (const name of names) {
  const t0 = Date.now();
  say(`— ${name}`);
  const database =
    pg && (name === 'fan-out' || name === 'projector' || name === 'reconnect' || name === 'relay-memory') ? await pg.createDatabase(name) : undefined;
  try {
    await (
      await BENCHES[name]()
    )({ postgresUrl: database?.url, postgresServerUrl: pg?.url });
  } catch (error) {
    failures.push(name);
    say(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await database?.drop();
  }
  say(`${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  postgres: pg?.version,
};
const result = { date: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000), machine, failures, measurements };
mkdirSync(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n${table(measurements)}`);
console.log(
  `\n${names.length} benchmark(s) in ${result.seconds} s on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}${machine.postgres ? `, ${machine.postgres}` : ''}${failures.length ? `; FAILED: ${failures.join(', ')}` : ''}`,
);
await pg?.close();
process.exit(0);
