// `pnpm demo` / `npm run demo`: the whole interop demo on this machine. Configuration by
// environment (all optional): OP_PORT, RP_PORT, OP_ISSUER, RP_BASE_URL, OP_DATABASE_URL,
// RP_DATABASE_URL, DEMO_PG_PORT, DEMO_DATA_DIR, DEMO_RP_CLIENT_SECRET, OP_ADMIN_TOKEN, LOG_LEVEL.
import path from 'node:path';
import { startStack, REPO_ROOT, type Stack } from '../index.js';

const env = process.env;
const port = (value: string | undefined, fallback: number) => (value ? Number(value) : fallback);

async function main() {
  const opPort = port(env.OP_PORT, 4000);
  const rpPort = port(env.RP_PORT, 3000);
  const dataDir = path.resolve(env.DEMO_DATA_DIR ?? path.join(REPO_ROOT, '.data'), 'postgres');
  const colour = { op: '\x1b[36m', rp: '\x1b[35m', postgres: '\x1b[33m' } as Record<string, string>;
  const stack: Stack = await startStack({
    opPort,
    rpPort,
    opIssuer: env.OP_ISSUER,
    rpBaseUrl: env.RP_BASE_URL,
    opDatabaseUrl: env.OP_DATABASE_URL,
    rpDatabaseUrl: env.RP_DATABASE_URL,
    postgres: { port: port(env.DEMO_PG_PORT, 54329), dataDir },
    rpClientSecret: env.DEMO_RP_CLIENT_SECRET ?? 'demo-rp-secret',
    adminToken: env.OP_ADMIN_TOKEN,
    logLevel: env.LOG_LEVEL ?? 'info',
    log: (source, line) => console.log(`${colour[source] ?? ''}${source.padEnd(8)}\x1b[0m ${line}`),
  });
  console.log(`
  oidc-ref demo is running
  ────────────────────────
  Relying Party   ${stack.rpUrl}        ← open this in a browser
  OpenID Provider ${stack.opUrl}        (discovery: ${stack.opUrl}/.well-known/openid-configuration)
  Data            ${stack.postgres ? stack.postgres.dataDir : 'the databases you gave'}
  Admin console   ${stack.opUrl}/admin/console
  OP admin token  ${stack.adminToken}
                  (console sign-in, or Authorization: Bearer … for the JSON API under ${stack.opUrl}/admin;
                   new each start unless OP_ADMIN_TOKEN is set)

  Demo users (password)
    alice@acme.example   alice-demo-pass   organisation acme (TOTP secret JBSWY3DPEHPK3PXP)
    bob@globex.example   bob-demo-pass     organisation globex
    carol@example.com    carol-demo-pass   no organisation (personal tenant)

  Press Ctrl+C to stop.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  for (const service of [stack.op, stack.rp]) {
    service.child.on('exit', (code) => {
      if (stopping) return;
      console.error(`${service.name} exited unexpectedly (code ${code}); stopping the demo`);
      void stack.stop().finally(() => process.exit(1));
    });
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`the demo could not start: ${message}`);
  if (/EADDRINUSE|address already in use/i.test(message)) {
    console.error('a port is taken: set OP_PORT, RP_PORT or DEMO_PG_PORT to free ones');
  }
  process.exit(1);
});
