import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '@oidc-ref/dev-postgres';
import { runNode, startNode, waitUntilReady, type LogLine, type Service } from './processes.js';

export { runNode, startNode, waitUntilReady } from './processes.js';
export type { LogLine, NodeOptions, Service } from './processes.js';

/** The repository root, from tooling/stack/dist. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
const app = (name: 'op' | 'rp', file: string) => path.join(REPO_ROOT, 'apps', name, 'dist', file);

export interface StackOptions {
  opPort: number;
  rpPort: number;
  /** Defaults to http://localhost:<opPort>. */
  opIssuer?: string;
  /** Defaults to http://localhost:<rpPort>. */
  rpBaseUrl?: string;
  /** Existing databases; when one is missing, an embedded Postgres serves it. */
  opDatabaseUrl?: string;
  rpDatabaseUrl?: string;
  /** Embedded Postgres: a data folder that persists (demo) or none for a throwaway one (tests). */
  postgres: { port: number; dataDir?: string };
  /** Give the databases unique names (tests), instead of the fixed demo names. */
  uniqueDatabaseNames?: boolean;
  rpClientSecret: string;
  /**
   * `OP_ADMIN_TOKEN` for the OP's admin API and console (≥ 32 characters). Defaults to a random
   * one per start, available as `stack.adminToken`.
   */
  adminToken?: string;
  logLevel?: string;
  /** Extra environment for the OP process (e.g. `{ OP_ID_TOKEN_TTL_SECONDS: '1' }`). */
  opEnv?: Record<string, string>;
  /** Extra environment for the RP process. */
  rpEnv?: Record<string, string>;
  /** Arguments for node itself in the OP and RP processes (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  log: LogLine;
}

export interface Stack {
  opUrl: string;
  rpUrl: string;
  opDatabaseUrl: string;
  rpDatabaseUrl: string;
  /** The OP's `OP_ADMIN_TOKEN`. */
  adminToken: string;
  /** The embedded server, when one was started. */
  postgres?: RunningPostgres;
  op: Service;
  /** The RP process running now (a new one after {@link Stack.startRp}). */
  readonly rp: Service;
  /** Stops the RP process only (e.g. for a fault test); the OP and the databases keep running. */
  stopRp(): Promise<void>;
  /** Starts the RP process again, same port, database and environment, and waits until it is ready. */
  startRp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the demo: databases (embedded Postgres unless URLs are given), migrations, the demo
 * world, then the OP and the RP as real processes, and waits until both are ready.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const opUrl = options.opIssuer ?? `http://localhost:${options.opPort}`;
  const rpUrl = options.rpBaseUrl ?? `http://localhost:${options.rpPort}`;
  const adminToken = options.adminToken ?? randomBytes(32).toString('base64url');
  let postgres: RunningPostgres | undefined;
  const started: Service[] = [];
  try {
    if (!options.opDatabaseUrl || !options.rpDatabaseUrl) {
      postgres = await startEmbeddedPostgres({
        port: options.postgres.port,
        dataDir: options.postgres.dataDir,
        onLog: (line) => {
          // The server's own start-up chatter is noise; our notices are not.
          if (!/^\d{4}-\d\d-\d\d /.test(line)) options.log('postgres', line);
        },
      });
      options.log('postgres', `embedded PostgreSQL on 127.0.0.1:${options.postgres.port}, data in ${postgres.dataDir}`);
    }
    const suffix = options.uniqueDatabaseNames ? `_${randomBytes(4).toString('hex')}` : '';
    const embeddedDb = async (name: string) => {
      await ensureDatabase(postgres!.adminUrl, name);
      return withDatabase(postgres!.adminUrl, name);
    };
    const opDatabaseUrl = options.opDatabaseUrl ?? (await embeddedDb(`oidc_ref_op${suffix}`));
    const rpDatabaseUrl = options.rpDatabaseUrl ?? (await embeddedDb(`oidc_ref_rp${suffix}`));

    await runNode('op', app('op', 'cli/migrate.js'), { env: { OP_DATABASE_URL: opDatabaseUrl } }, options.log);
    await runNode('rp', app('rp', 'cli/migrate.js'), { env: { RP_DATABASE_URL: rpDatabaseUrl } }, options.log);
    await runNode(
      'op',
      app('op', 'cli/seed-demo.js'),
      { env: { OP_DATABASE_URL: opDatabaseUrl, DEMO_RP_BASE_URL: rpUrl, DEMO_RP_CLIENT_SECRET: options.rpClientSecret } },
      options.log,
    );

    const logLevel = options.logLevel ?? 'info';
    const op = startNode(
      'op',
      app('op', 'server.js'),
      {
        env: {
        OP_ISSUER: opUrl,
        OP_PORT: String(options.opPort),
        OP_DATABASE_URL: opDatabaseUrl,
        OP_LOG_LEVEL: logLevel,
        // The demo lets anyone register a client (RFC 7591), so evaluators can point their own RP at it.
        OP_REGISTRATION: 'open',
        OP_ADMIN_TOKEN: adminToken,
        ...options.opEnv,
        },
        ...(options.nodeArgs !== undefined && { nodeArgs: options.nodeArgs }),
      },
      options.log,
    );
    started.push(op);
    const rpEnv = {
      RP_PORT: String(options.rpPort),
      RP_BASE_URL: rpUrl,
      RP_DATABASE_URL: rpDatabaseUrl,
      RP_OIDC_ISSUER: opUrl,
      RP_CLIENT_ID: 'demo-rp',
      RP_CLIENT_SECRET: options.rpClientSecret,
      RP_LOG_LEVEL: logLevel,
      ...options.rpEnv,
    };
    const startRpProcess = () => startNode('rp', app('rp', 'server.js'), { env: rpEnv, ...(options.nodeArgs !== undefined && { nodeArgs: options.nodeArgs }) }, options.log);
    let rp = startRpProcess();
    started.push(rp);
    const rpReadyUrl = `http://127.0.0.1:${options.rpPort}/readyz`;
    await Promise.all([
      waitUntilReady(`http://127.0.0.1:${options.opPort}/readyz`, op),
      waitUntilReady(rpReadyUrl, rp),
    ]);
    return {
      opUrl,
      rpUrl,
      opDatabaseUrl,
      rpDatabaseUrl,
      adminToken,
      postgres,
      op,
      get rp() {
        return rp;
      },
      async stopRp() {
        await rp.stop();
      },
      async startRp() {
        if (rp.child.exitCode === null && rp.child.signalCode === null) throw new Error('the RP is still running');
        const next = startRpProcess();
        started.splice(started.indexOf(rp), 1, next);
        rp = next;
        await waitUntilReady(rpReadyUrl, rp);
      },
      async stop() {
        await Promise.all(started.map((service) => service.stop()));
        await postgres?.stop();
      },
    };
  } catch (err) {
    await Promise.all(started.map((service) => service.stop()));
    await postgres?.stop();
    throw err;
  }
}
