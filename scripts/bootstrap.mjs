#!/usr/bin/env node
// The README's two commands, `npm run demo` and `npm test`, on a machine that has only Node:
// installs the pinned pnpm into .tools/ when the right one is not on PATH, installs the
// workspace from the lockfile, then runs the demo or every test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.21.0';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tools = path.join(root, '.tools');
const task = process.argv[2];
const scripts = { demo: 'dev', test: 'test:all' };
if (!(task in scripts)) {
  console.error('usage: node scripts/bootstrap.mjs demo|test');
  process.exit(2);
}

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpmVersionOnPath() {
  const result = spawnSync('pnpm', ['--version'], { env, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (pnpmVersionOnPath() !== PNPM_VERSION) {
  const local = path.join(tools, 'node_modules', '.bin', 'pnpm');
  if (!existsSync(local)) {
    console.log(`installing pnpm ${PNPM_VERSION} into .tools/ …`);
    const code = run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', tools, `pnpm@${PNPM_VERSION}`]);
    if (code !== 0) process.exit(code);
  }
  env.PATH = `${path.dirname(local)}${path.delimiter}${env.PATH}`;
}

const installed = run('pnpm', ['install', '--frozen-lockfile']);
if (installed !== 0) process.exit(installed);
process.exit(run('pnpm', ['run', scripts[task]]));
