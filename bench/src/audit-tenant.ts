// `pnpm --filter @oidc-ref/bench bench:audit-tenant [--accounts N] [--no-record]`: the OP sends
// `audit_tenant` to the RP for one tenant of N accounts (default 1,000,000), end to end through
// the OP's admin API and outbox, and we measure accounts/s and the RP's memory. Assumes
// `pnpm build` was run.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getFreePort } from '@oidc-ref/dev-postgres';
import { REPO_ROOT, runNode, startStack, type Stack } from '@oidc-ref/stack';
import { mib, rssBytes, sampleRss } from './audit-tenant-rss.js';
import { seedRpAccounts } from './audit-tenant-seed.js';
import { childNamed, cpuSnapshot, foreignCpuShare, treeCpuMs, waitForQuiet } from './machine.js';
import { stopOnSignal } from './stop-on-signal.js';

/** The goals of issue 5: at least this many accounts/s, and the RP's RSS growing less than this. */
const GOAL_ACCOUNTS_PER_SECOND = 50_000;
const GOAL_RSS_GROWTH_MIB = 64;
const TENANT = 'bench';
const WARMUP_ACCOUNTS = 5000;
const FINAL = new Set(['succeeded', 'failed', 'converged', 'accepted']);

const started = Date.now();
const step = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const log = (source: string, line: string) => {
  // The servers' request logs would drown the output; keep warnings and errors.
  if (/"level":(40|50|60)/.test(line) || !line.startsWith('{')) console.log(`           ${source}: ${line}`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_response: unknown;
  created_at: string;
  completed_at: string | null;
}

function options(): { accounts: number; record: boolean; pollMs: number } {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '1000000' }, 'no-record': { type: 'boolean', default: false }, 'poll-ms': { type: 'string', default: '100' } },
  });
  const accounts = Number(values.accounts.replaceAll('_', ''));
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`--accounts must be a positive integer, got ${values.accounts}`);
  return { accounts, record: !values['no-record'], pollMs: Number(values['poll-ms']) };
}

async function admin(stack: Stack, token: string, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<Delivery> {
  const response = await fetch(new URL(pathname, stack.opUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${pathname} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Delivery;
}

/** Enqueues audit_tenant for the bench tenant and polls the delivery until it is final. */
async function runAudit(stack: Stack, token: string, pollMs: number, progress?: () => string): Promise<Delivery> {
  let delivery = await admin(stack, token, 'POST', '/admin/commands', { client_id: 'demo-rp', command: 'audit_tenant', tenant: TENANT });
  let lastReport = Date.now();
  while (!FINAL.has(delivery.status)) {
    await sleep(pollMs);
    delivery = await admin(stack, token, 'GET', `/admin/commands/${delivery.id}`);
    if (progress !== undefined && Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      step(`… ${delivery.status}, attempt ${delivery.attempts}, ${progress()}`);
    }
  }
  return delivery;
}

async function main(): Promise<void> {
  const { accounts, record, pollMs } = options();
  for (const app of ['op', 'rp']) {
    if (!existsSync(path.join(REPO_ROOT, 'apps', app, 'dist', 'server.js'))) throw new Error(`apps/${app}/dist is missing: run \`pnpm build\` first`);
  }
  const adminToken = randomBytes(32).toString('base64url');
  const rpClientSecret = randomBytes(32).toString('base64url');
  const [opPort, rpPort, pgPort] = [await getFreePort(), await getFreePort(), await getFreePort()];

  step('starting embedded PostgreSQL, the OP and the RP (@oidc-ref/stack)');
  const stack = await startStack({
    opPort,
    rpPort,
    postgres: { port: pgPort },
    uniqueDatabaseNames: true,
    rpClientSecret,
    logLevel: 'warn',
    opEnv: { OP_ADMIN_TOKEN: adminToken, OP_COMMANDS_POLL_MS: '200' },
    log,
  });
  const stop = stopOnSignal(stack);

  try {
    const endpoint = `${stack.rpUrl}/commands/${TENANT}`;
    step(`registering demo-rp's command_endpoint ${endpoint} at the OP`);
    const client = {
      id: 'demo-rp',
      secret: rpClientSecret,
      firstParty: true,
      metadata: {
        client_name: 'Demo RP',
        redirect_uris: [`${stack.rpUrl}/callback`],
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        command_endpoint: endpoint,
      },
    };
    await runNode('op', path.join(REPO_ROOT, 'apps', 'op', 'dist', 'cli', 'create-client.js'), { env: { OP_DATABASE_URL: stack.opDatabaseUrl }, args: [JSON.stringify(client)] }, log);

    const rpPid = stack.rp.child.pid;
    if (rpPid === undefined) throw new Error('the RP process has no pid');
    const cold = rssBytes(rpPid) ?? 0;

    // Warm-up: one audit_tenant of a small tenant first, so the measurement shows what the stream
    // costs, not what the RP's first command loads once (discovery, JWKS, the query engine).
    const warmup = Math.min(WARMUP_ACCOUNTS, accounts);
    await seedRpAccounts({ databaseUrl: stack.rpDatabaseUrl, issuer: stack.opUrl, tenant: TENANT, from: 1, to: warmup });
    step(`warm-up: audit_tenant of ${warmup.toLocaleString('en')} accounts (RP RSS cold: ${mib(cold)} MiB)`);
    const warm = await runAudit(stack, adminToken, pollMs);
    if (warm.status !== 'succeeded') throw new Error(`the warm-up audit_tenant ended ${warm.status}: ${warm.last_error ?? ''}`);

    step(`seeding ${accounts.toLocaleString('en')} accounts into RP tenant "${TENANT}" (one INSERT … SELECT generate_series)`);
    const seedStart = Date.now();
    if (accounts > warmup) await seedRpAccounts({ databaseUrl: stack.rpDatabaseUrl, issuer: stack.opUrl, tenant: TENANT, from: warmup + 1, to: accounts });
    step(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    // A shared machine measures the neighbours too: wait (up to 10 s) for them to quieten.
    const quiet = await waitForQuiet(10, 0.15, (share) => step(`waiting for other processes to quieten (${Math.round(share * 100)} % of the CPU)…`));
    const before = rssBytes(rpPid) ?? 0;
    const sampler = sampleRss(rpPid, 100);
    step(`RP RSS before: ${mib(before)} MiB; sending audit_tenant through POST /admin/commands`);

    const trees = { op: stack.op.child.pid, rp: rpPid, postgres: childNamed('postgres') };
    const cpuBefore = cpuSnapshot(trees);
    const wallStart = Date.now();
    const delivery = await runAudit(stack, adminToken, pollMs, () => `RP RSS peak so far ${mib(sampler.peak())} MiB`);
    const wallSeconds = (Date.now() - wallStart) / 1000;
    const cpuAfter = cpuSnapshot(trees);
    const seconds_ = (name: string) => {
      const ms = treeCpuMs(cpuBefore, cpuAfter, name);
      return ms === undefined ? null : Math.round(ms / 10) / 100;
    };
    const cpu = { op: seconds_('op'), rp: seconds_('rp'), postgres: seconds_('postgres'), foreignShare: foreignCpuShare(cpuBefore, cpuAfter) ?? null, foreignShareBefore: quiet ?? null };
    const peak = sampler.peak();
    sampler.stop();
    await sleep(2000);
    const after = rssBytes(rpPid) ?? 0;

    const response = (delivery.last_response ?? {}) as { stream?: string; account_events?: number; total_accounts?: number };
    const completed = delivery.completed_at === null ? undefined : (Date.parse(delivery.completed_at) - Date.parse(delivery.created_at)) / 1000;
    const seconds = completed ?? wallSeconds;
    const accountsPerSecond = Math.round(accounts / seconds);
    const growthMiB = mib(peak - before);
    const complete = delivery.status === 'succeeded' && response.stream === 'complete' && response.total_accounts === accounts && response.account_events === accounts;

    const result = {
      date: new Date().toISOString(),
      benchmark: 'audit_tenant',
      machine: {
        nproc: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
      },
      accounts,
      delivery: { status: delivery.status, attempts: delivery.attempts, last_status: delivery.last_status, last_error: delivery.last_error, last_response: delivery.last_response },
      complete,
      seconds: { createdToCompleted: completed ?? null, wall: wallSeconds },
      accountsPerSecond,
      /** CPU seconds each server (and Postgres) used between the enqueue and the final status, and the share of the machine other processes used. */
      cpuSeconds: cpu,
      rpRssMiB: { cold: mib(cold), before: mib(before), peak: mib(peak), after: mib(after), growth: growthMiB, samples: sampler.samples() },
      goals: {
        accountsPerSecond: GOAL_ACCOUNTS_PER_SECOND,
        rssGrowthMiB: GOAL_RSS_GROWTH_MIB,
        met: complete && accountsPerSecond >= GOAL_ACCOUNTS_PER_SECOND && growthMiB < GOAL_RSS_GROWTH_MIB,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    step(
      `${complete ? 'complete' : 'INCOMPLETE'}: ${accounts.toLocaleString('en')} accounts in ${seconds.toFixed(2)} s = ${accountsPerSecond.toLocaleString('en')} accounts/s; ` +
        `RP RSS ${mib(before)} → peak ${mib(peak)} (+${growthMiB}) → ${mib(after)} MiB; CPU s: OP ${cpu.op}, RP ${cpu.rp}, Postgres ${cpu.postgres}; others used ${Math.round((cpu.foreignShare ?? 0) * 100)} % of the machine`,
    );
    if (record) {
      const dir = path.join(REPO_ROOT, 'bench', 'results');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `audit-tenant-${accounts}-${result.date.replace(/[:.]/g, '').slice(0, 17)}Z.json`);
      await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
      step(`wrote ${path.relative(REPO_ROOT, file)}`);
    }
    if (!complete) process.exitCode = 1;
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(`audit_tenant benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
