import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { applyMigrations, ensureDatabase, getFreePort, startEmbeddedPostgres, type RunningPostgres } from '@oidc-ref/dev-postgres';
import { runNode, startNode, waitUntilReady, type LogLine as Log, type Service as ChildService } from '@oidc-ref/stack';

/** The repository root, from bench/dist. */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const BENCH_ROOT = path.resolve(__dirname, '..');
const DEFAULT_OP_DIST = path.join(REPO_ROOT, 'apps', 'op', 'dist');

/** The one client both providers know, registered the same way at each. */
export interface BenchClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Allowed scopes: `openid` for the code flow, `api:read` for client_credentials. */
  scope: string;
}

export interface BenchUser {
  email: string;
  password: string;
}

/** alice from the OP's demo world (seeded by `seed-demo`); oidc-provider gets the same login. */
export const BENCH_USER: BenchUser = { email: 'alice@acme.example', password: 'alice-demo-pass' };

export function benchClient(): BenchClient {
  return {
    clientId: 'bench-client',
    clientSecret: randomBytes(32).toString('base64url'),
    // Never visited: the code is read from the redirect.
    redirectUri: 'http://localhost/bench/callback',
    scope: 'openid api:read',
  };
}

export interface RunningProvider {
  name: string;
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  service: ChildService;
}

export interface OurOp extends RunningProvider {
  postgres: RunningPostgres;
  databaseUrl: string;
}

/**
 * Our OP as it runs in production: embedded PostgreSQL, migrations, the demo world (for alice),
 * the benchmark client through the `create-client` CLI, then `node apps/op/dist/server.js`.
 * `onPostgres` receives the server as soon as it runs, so the caller can stop it on failure.
 */
export async function startOurOp(
  client: BenchClient,
  log: Log,
  onPostgres: (pg: RunningPostgres) => void,
  options: { cpuProfileDir?: string; opDist?: string } = {},
): Promise<OurOp> {
  const opDist = (file: string) => path.join(path.resolve(REPO_ROOT, options.opDist ?? DEFAULT_OP_DIST), file);
  const postgres = await startEmbeddedPostgres({ port: await getFreePort() });
  onPostgres(postgres);
  await ensureDatabase(postgres.adminUrl, 'bench_op');
  const databaseUrl = postgres.urlFor('bench_op');
  await applyMigrations({ connectionString: databaseUrl, migrationsDir: path.join(REPO_ROOT, 'apps', 'op', 'prisma', 'migrations') });
  await runNode('seed-demo', opDist('cli/seed-demo.js'), { env: { OP_DATABASE_URL: databaseUrl }, inheritEnv: false });
  const document = {
    id: client.clientId,
    secret: client.clientSecret,
    firstParty: true,
    metadata: {
      client_name: 'Token endpoint benchmark',
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: client.scope,
    },
  };
  await runNode('create-client', opDist('cli/create-client.js'), {
    env: { OP_DATABASE_URL: databaseUrl },
    args: [JSON.stringify(document)],
    inheritEnv: false,
  });

  const port = await getFreePort();
  const issuer = `http://127.0.0.1:${port}`;
  const nodeArgs: string[] = [];
  if (options.cpuProfileDir) {
    const dir = path.resolve(BENCH_ROOT, options.cpuProfileDir);
    await mkdir(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', dir);
  }
  const service = startNode(
    'op',
    opDist('server.js'),
    {
      env: {
        OP_ISSUER: issuer,
        OP_PORT: String(port),
        OP_DATABASE_URL: databaseUrl,
        OP_LOG_LEVEL: 'warn',
        // Codes are minted before the measured exchanges start; oidc-provider gets the same TTL.
        OP_CODE_TTL_SECONDS: '600',
      },
      inheritEnv: false,
      nodeArgs,
    },
    log,
  );
  await waitUntilReady(`${issuer}/readyz`, service);
  return {
    name: 'our OP',
    issuer,
    tokenEndpoint: `${issuer}/token`,
    authorizationEndpoint: `${issuer}/authorize`,
    service,
    postgres,
    databaseUrl,
  };
}

/** panva's oidc-provider in its own process (src/oidc-provider-server.mjs), same client and user. */
export async function startOidcProvider(client: BenchClient, user: BenchUser, log: Log): Promise<RunningProvider> {
  const port = await getFreePort();
  const issuer = `http://127.0.0.1:${port}`;
  const service = startNode(
    'oidc-provider',
    path.join(BENCH_ROOT, 'src', 'oidc-provider-server.mjs'),
    {
      env: {
        BENCH_ISSUER: issuer,
        BENCH_PORT: String(port),
        BENCH_CLIENT: JSON.stringify({
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          scope: client.scope,
        }),
        BENCH_ACCOUNT: JSON.stringify({ sub: 'bench-alice', email: user.email, password: user.password, name: 'Alice Anderson' }),
      },
      inheritEnv: false,
    },
    log,
  );
  await waitUntilReady(`${issuer}/.well-known/openid-configuration`, service);
  return {
    name: 'oidc-provider',
    issuer,
    tokenEndpoint: `${issuer}/token`,
    authorizationEndpoint: `${issuer}/auth`,
    service,
  };
}
