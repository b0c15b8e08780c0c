import { ensureDatabase, getFreePort, withDatabase } from '@oidc-ref/dev-postgres';
import { startStack, type Stack } from '@oidc-ref/stack';

/** The demo RP's client secret at the OP in every e2e stack (client `demo-rp`). */
export const RP_CLIENT_SECRET = 'e2e-secret-0123456789abcdef0123456789';

export interface TestStackOptions {
  /** Extra environment for both apps, e.g. `{ OP_ID_TOKEN_TTL_SECONDS: '1' }`. */
  env?: Record<string, string>;
  /**
   * The OP's host name in its issuer (default `127.0.0.1`, like the RP). `localhost` puts the OP
   * on another site than the RP (`127.0.0.1`), as in a real deployment: a browser then treats
   * the RP's iframes in OP pages as third-party.
   */
  opHost?: string;
}

/**
 * Both apps as real processes on free ports, each on a fresh database on the run's Postgres
 * server (TEST_DATABASE_URL: the embedded one jest's globalSetup started, or one you name).
 * Output is kept and printed only when a start fails.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<Stack> {
  const [opPort, rpPort, pgPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
  const lines: string[] = [];
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set: run through jest (globalSetup starts Postgres)');
  try {
    return await startStack({
      opPort,
      rpPort,
      opIssuer: `http://${options.opHost ?? '127.0.0.1'}:${opPort}`,
      rpBaseUrl: `http://127.0.0.1:${rpPort}`,
      postgres: { port: pgPort },
      uniqueDatabaseNames: true,
      rpClientSecret: RP_CLIENT_SECRET,
      logLevel: 'warn',
      log: (source, line) => lines.push(`${source}: ${line}`),
      opEnv: options.env,
      rpEnv: options.env,
      ...(await databasesOn(serverUrl)),
    });
  } catch (err) {
    console.error(lines.join('\n'));
    throw err;
  }
}

async function databasesOn(serverUrl: string) {
  const suffix = Math.random().toString(16).slice(2, 10);
  const admin = withDatabase(serverUrl, 'postgres');
  await ensureDatabase(admin, `e2e_op_${suffix}`);
  await ensureDatabase(admin, `e2e_rp_${suffix}`);
  return { opDatabaseUrl: withDatabase(serverUrl, `e2e_op_${suffix}`), rpDatabaseUrl: withDatabase(serverUrl, `e2e_rp_${suffix}`) };
}
