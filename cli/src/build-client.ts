/** The built client the relay serves (`client/dist`), built on the first start of a fresh clone. */
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLIENT_DIST = path.join(REPO_ROOT, 'client', 'dist');

/**
 * Builds the client when its build output is missing (first `npm start` on a fresh clone).
 * Several processes may start at once (tests, a LAN box and its projector): each builds into its
 * own directory and moves it into place in one rename, so nobody serves a half-emptied dist.
 */
export function ensureClientBuilt(): void {
  if (existsSync(path.join(CLIENT_DIST, 'index.html'))) return;
  console.log('kiosk: building the client (first start)…');
  const staging = `${CLIENT_DIST}.build-${process.pid}`;
  const result = spawnSync('npm', ['run', 'build', '-w', '@kiosk/client', '--', '--outDir', staging, '--emptyOutDir'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error('client build failed (npm run build); see the output above');
  }
  try {
    renameSync(staging, CLIENT_DIST);
  } catch (error) {
    // Another process got there first with an identical build: keep theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(CLIENT_DIST, 'index.html'))) throw error;
  }
}
