#!/usr/bin/env node
// `pretest` step of `npm test`: the browser tests (test/e2e, playwright-core) drive Debian's
// Chromium, because Playwright's own browser download does not work on these machines; Debian's
// chromium package at /usr/bin/chromium is the path the tests check (KIOSK_CHROMIUM overrides it).
// Present → exit 0 silently. Missing → install it with apt-get when we are root, else say what to
// run and exit 1: a missing browser is a failed test run, never a skip.
// Also Debian's libnss3-tools (`certutil`): the HTTPS browser test trusts the box's CA the way a
// device does, by importing it into the test profile's certificate store.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const DEFAULT = '/usr/bin/chromium';
const override = process.env.KIOSK_CHROMIUM;
const chromium = override || DEFAULT;
const CERTUTIL = '/usr/bin/certutil';
const HOWTO =
  'npm test needs Chromium and certutil for the browser tests: run `sudo apt-get install -y chromium libnss3-tools` (or set KIOSK_CHROMIUM=/path/to/chromium) and run npm test again';

function fail(why) {
  console.error(`${HOWTO}${why ? ` (${why})` : ''}`);
  process.exit(1);
}

const runs = (file, args, options = {}) => spawnSync(file, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options }).status === 0;
const works = () => existsSync(chromium) && spawnSync(chromium, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;

const missing = [...(existsSync(chromium) ? [] : ['chromium']), ...(existsSync(CERTUTIL) ? [] : ['libnss3-tools'])];
if (missing.length === 0) process.exit(0);
if (override && !existsSync(chromium)) fail(`KIOSK_CHROMIUM=${override} does not exist`);
if (process.getuid?.() !== 0) fail('not root, so it cannot be installed here');
if (!(process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, 'apt-get')))) fail('no apt-get on this machine');

console.log(`pretest: installing Debian's ${missing.join(' and ')} for the browser tests (one time)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
if (!runs('apt-get', ['update', '-qq'], { env })) fail('apt-get update failed');
if (!runs('apt-get', ['install', '-y', '-qq', ...missing], { env })) fail(`apt-get install ${missing.join(' ')} failed`);
if (!existsSync(CERTUTIL)) fail(`${CERTUTIL} is still missing after the install`);
if (!works()) fail(`${chromium} is still missing or does not run --version after the install`);
