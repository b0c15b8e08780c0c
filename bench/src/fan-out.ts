// `pnpm --filter @oidc-ref/bench bench:fan-out`: how fast the OP's command outbox fans account
// commands out to the RP, end to end (OP outbox → worker → RP command endpoint → RP database →
// outcome recorded). Assumes `pnpm build` was run. See README.md "Command fan-out".
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { getFreePort } from '@oidc-ref/dev-postgres';
import { startStack, type Stack } from '@oidc-ref/stack';
import { loadFanOutConfig } from './config.js';
import { childNamed, cpuSnapshot, foreignCpuShare, treeCpuMs, type CpuSnapshot } from './machine.js';
import { BENCH_ROOT } from './servers.js';
import { stopOnSignal } from './stop-on-signal.js';

const config = loadFanOutConfig();
const N = config.users;
const ENQUEUE_CONCURRENCY = config.enqueueConcurrency;
const OP_CONCURRENCY = config.opConcurrency === undefined ? undefined : String(config.opConcurrency);
const TENANT = 'acme';
/** FANOUT_CPU_PROF=<folder>: the OP and the RP run with `--cpu-prof` there (profiles for profile-summary). */
const CPU_PROF = config.cpuProfileDir;

const CLIENT = 'demo-rp';

const started = Date.now();
const step = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);

/** N users of the acme organisation who signed in at demo-rp (a consent each), by direct SQL. */
async function seedUsers(db: pg.Client): Promise<string[]> {
  const prefix = `fanout-${randomBytes(3).toString('hex')}`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO "users" ("id", "email", "email_verified", "name", "password_hash", "organization_id", "status", "updated_at")
     SELECT gen_random_uuid()::text, $1 || '-' || i || '@acme.example', true, 'Fan-out User ' || i, 'x', $2, 'active', now() AT TIME ZONE 'UTC'
     FROM generate_series(1, $3::int) AS i
     RETURNING "id"`,
    [prefix, TENANT, N],
  );
  const ids = rows.map((row) => row.id);
  await db.query(`CREATE TEMPORARY TABLE "fanout_ids" ("id" text PRIMARY KEY)`);
  await db.query(`INSERT INTO "fanout_ids" SELECT unnest($1::text[])`, [ids]);
  await db.query(`ANALYZE "fanout_ids"`);
  await db.query(`INSERT INTO "consents" ("user_id", "client_id", "scopes") SELECT unnest($1::text[]), $2, ARRAY['openid']`, [ids, CLIENT]);
  return ids;
}

/** Enqueues `activate` for every user straight into the outbox (setup: the RP accounts must exist). */
async function enqueueActivations(db: pg.Client, ids: string[]): Promise<void> {
  await db.query(
    `INSERT INTO "command_deliveries" ("id", "client_id", "command", "tenant", "sub", "claims", "status", "attempts", "next_attempt_at", "created_at", "updated_at")
     SELECT gen_random_uuid()::text, $2, 'activate', $3, u."id",
            jsonb_build_object('email', u."email", 'email_verified', true, 'name', u."name", 'groups', '[]'::jsonb),
            'pending', 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
     FROM "users" u WHERE u."id" = ANY($1::text[])`,
    [ids, CLIENT, TENANT],
  );
}

interface Settled {
  seconds: number;
  statuses: Record<string, number>;
}

/** CPU ms per command of the OP, the RP and Postgres over a phase, and the neighbours' share. */
function cpuPerCommand(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, commands: number) {
  const per = (name: string) => {
    const ms = treeCpuMs(before, after, name);
    return ms === undefined ? undefined : Math.round((ms / commands) * 100) / 100;
  };
  return { opMs: per('op'), rpMs: per('rp'), postgresMs: per('postgres'), othersCpuShare: foreignCpuShare(before, after) };
}

/** Waits until every delivery of `command` for these users is final; the time since `since`. */
async function settle(db: pg.Client, command: string, ids: string[], since: number, timeoutMs: number): Promise<Settled> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = 0;
  let statuses: Record<string, number> = {};
  const exact = async () => {
    // The ids are in a temporary table (seedUsers), not sent with every poll.
    const { rows } = await db.query<{ status: string; n: string }>(
      `SELECT d."status", count(*) AS "n" FROM "command_deliveries" d JOIN "fanout_ids" f ON f."id" = d."sub" WHERE d."command" = $1 GROUP BY d."status"`,
      [command],
    );
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)])) as Record<string, number>;
  };
  for (;;) {
    // Every 100 ms only whether any row is still open (the (status, next_attempt_at) index; a
    // count over every delivery ten times a second grew with N and cost Postgres, on the machine
    // under test, more than a millisecond per command); the exact per-status count runs when none
    // is open, and every 2 s for the log.
    const at = Date.now();
    const { rows: open } = await db.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM "command_deliveries" WHERE "status" IN ('pending', 'delivering') AND "command" = $1) AS "any"`,
      [command],
    );
    const logNow = at - lastLog > 2000;
    if (open[0]?.any !== true || logNow) {
      statuses = await exact();
      const stillOpen = (statuses.pending ?? 0) + (statuses.delivering ?? 0);
      const total = Object.values(statuses).reduce((a, b) => a + b, 0);
      if (total >= ids.length && stillOpen === 0) return { seconds: (Date.now() - since) / 1000, statuses };
      if (logNow) {
        lastLog = at;
        step(`${command}: ${JSON.stringify(statuses)}`);
      }
    }
    if (Date.now() > deadline) throw new Error(`${command}: not settled after ${timeoutMs / 1000} s: ${JSON.stringify(statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One lifecycle fan-out per user through the admin API (`POST /admin/users/:id/suspend`). */
async function suspendAll(stack: Stack, ids: string[]): Promise<number> {
  let next = 0;
  const t0 = Date.now();
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const res = await fetch(`${stack.opUrl}/admin/users/${id}/suspend`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}` } });
      if (res.status !== 202) throw new Error(`suspend ${id}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: ENQUEUE_CONCURRENCY }, lane));
  return (Date.now() - t0) / 1000;
}

async function main(): Promise<void> {
  step(`fan-out benchmark: ${N} users, tenant ${TENANT}, client ${CLIENT}`);
  const loadAverageAtStart = os.loadavg();
  const stack = await startStack({
    opPort: await getFreePort(),
    rpPort: await getFreePort(),
    postgres: { port: await getFreePort() },
    uniqueDatabaseNames: true,
    rpClientSecret: randomBytes(24).toString('base64url'),
    logLevel: 'warn',
    ...(CPU_PROF !== undefined && { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF)] }),
    opEnv: { OP_COMMANDS_POLL_MS: '200', ...(OP_CONCURRENCY !== undefined && { OP_COMMANDS_CONCURRENCY: OP_CONCURRENCY }) },
    log: (source, line) => console.log(`          ${source}: ${line}`),
  });
  const stop = stopOnSignal(stack);
  const db = new pg.Client({ connectionString: stack.opDatabaseUrl });
  try {
    await db.connect();
    step('stack ready; seeding users');
    const ids = await seedUsers(db);

    const trees = { op: stack.op.child.pid, rp: stack.rp.child.pid, postgres: childNamed('postgres') };
    step(`activate: ${N} commands enqueued straight into the outbox`);
    const activateCpu = cpuSnapshot(trees);
    const activateStart = Date.now();
    await enqueueActivations(db, ids);
    const activate = await settle(db, 'activate', ids, activateStart, 600_000);
    const activateCpuPerCommand = cpuPerCommand(activateCpu, cpuSnapshot(trees), N);
    step(`activate: ${activate.seconds.toFixed(1)} s ${JSON.stringify(activate.statuses)} CPU ms/command ${JSON.stringify(activateCpuPerCommand)}`);

    step(`suspend: ${N} lifecycle fan-outs through the admin API (${ENQUEUE_CONCURRENCY} in flight)`);
    const suspendCpu = cpuSnapshot(trees);
    const suspendStart = Date.now();
    const enqueueSeconds = await suspendAll(stack, ids);
    const suspend = await settle(db, 'suspend', ids, suspendStart, 600_000);
    const suspendCpuPerCommand = cpuPerCommand(suspendCpu, cpuSnapshot(trees), N);
    step(
      `suspend: enqueued in ${enqueueSeconds.toFixed(1)} s, all final after ${suspend.seconds.toFixed(1)} s ${JSON.stringify(suspend.statuses)} CPU ms/command ${JSON.stringify(suspendCpuPerCommand)}`,
    );

    const ok = (s: Settled) => s.statuses.succeeded === N;
    const result = {
      date: new Date().toISOString(),
      machine: { nproc: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart },
      settings: { users: N, tenant: TENANT, client: CLIENT, enqueueConcurrency: ENQUEUE_CONCURRENCY, opCommandsConcurrency: OP_CONCURRENCY ?? 'default' },
      activate: { description: 'N activate rows inserted into the outbox at once; seconds until all final', ...activate, perSecond: Math.round(N / activate.seconds), cpuPerCommand: activateCpuPerCommand },
      suspend: {
        description: 'N POST /admin/users/:id/suspend (one fan-out each); seconds from the first request until all final',
        enqueueSeconds,
        ...suspend,
        perSecond: Math.round(N / suspend.seconds),
        cpuPerCommand: suspendCpuPerCommand,
      },
      allSucceeded: ok(activate) && ok(suspend),
      goal: { commands: 10_000, seconds: 30, met: N >= 10_000 ? ok(suspend) && suspend.seconds <= 30 : 'not measured at 10,000' },
    };
    const dir = path.join(BENCH_ROOT, 'results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `fan-out-${result.date.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z')}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    step(`wrote ${path.relative(process.cwd(), file)}`);
    if (!result.allSucceeded) process.exitCode = 1;
  } finally {
    await db.end().catch(() => undefined);
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
