/**
 * Runs the real `kiosk` command in a child process for integration and browser tests:
 * `node bin/kiosk.js start --port 0` with a temporary data directory, waiting for the line
 * that names the URL it listens on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KIOSK = path.join(REPO_ROOT, 'bin', 'kiosk.js');

export interface KioskProcess {
  baseUrl: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** Runs another kiosk command against the same data directory (e.g. `token`). */
  run(args: string[]): { status: number | null; stdout: string; stderr: string };
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function makeDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'kiosk-test-'));
}

export function runKiosk(args: string[], env: Record<string, string | undefined> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [KIOSK, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export async function startKiosk(
  options: { command?: string; args?: string[]; env?: Record<string, string | undefined>; dataDir?: string; timeoutMs?: number } = {},
): Promise<KioskProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  const env = { ...process.env, KIOSK_DATA_DIR: dataDir, DATABASE_URL: '', ...options.env };
  const child = spawn(process.execPath, [KIOSK, options.command ?? 'start', '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let match: RegExpExecArray | null = null;
  while (!(match = /listening on (http:\/\/[^\s:]+:(\d+))/.exec(output))) {
    if (child.exitCode !== null) throw new Error(`kiosk exited with ${child.exitCode} before listening:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kiosk did not listen within ${options.timeoutMs ?? 90_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [, baseUrl, port] = match;
  return {
    baseUrl,
    port: Number(port),
    dataDir,
    child,
    output: () => output,
    run: (args) => runKiosk(args, { KIOSK_DATA_DIR: dataDir, DATABASE_URL: '', ...options.env }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
