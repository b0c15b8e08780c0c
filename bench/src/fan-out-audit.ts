// `pnpm --filter @oidc-ref/bench bench:fan-out-audit`: how fast the OP stores the accounts of an
// `audit_tenant` stream, and whether its memory stays flat. Assumes `pnpm build` was run.
// The OP runs as a real process (via @oidc-ref/stack); the stream comes from a minimal SSE
// source in this process, registered as demo-rp's command endpoint for a bench tenant.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from '@oidc-ref/dev-postgres';
import { startStack } from '@oidc-ref/stack';
import { loadFanOutConfig } from './config.js';
import { BENCH_ROOT } from './servers.js';
import { stopOnSignal } from './stop-on-signal.js';

const ACCOUNTS = loadFanOutConfig().auditAccounts;
const TENANT = 'bench-audit';

const started = Date.now();
const step = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);

/** An RP command endpoint that answers any command with a stream of `count` accounts. */
function sseSource(count: number): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void (async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        let chunk = '';
        for (let i = 1; i <= count; i++) {
          chunk += `id: ${i}\nevent: account-state\ndata: {"sub":"bench-${i}","account_state":"active","last_access":1763000000,"authentication_provider":"op","email":"bench-${i}@acme.example","name":"Bench User ${i}"}\n\n`;
          if (chunk.length >= 64 * 1024) {
            if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
            chunk = '';
          }
        }
        res.end(`${chunk}id: done\nevent: command-complete\ndata: {"total_accounts":${count}}\n\n`);
      })();
    });
  });
}

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  step(`audit_tenant storage benchmark: ${ACCOUNTS} accounts`);
  const loadAverageAtStart = os.loadavg();
  const source = sseSource(ACCOUNTS);
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(source.address() as AddressInfo).port}/commands`;
  const stack = await startStack({
    opPort: await getFreePort(),
    rpPort: await getFreePort(),
    postgres: { port: await getFreePort() },
    uniqueDatabaseNames: true,
    rpClientSecret: randomBytes(24).toString('base64url'),
    logLevel: 'warn',
    log: (source, line) => console.log(`          ${source}: ${line}`),
  });
  const stop = stopOnSignal(stack);
  const admin = (pathname: string, init: RequestInit = {}) =>
    fetch(`${stack.opUrl}/admin${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', ...init.headers },
    });
  try {
    const put = await admin(`/clients/demo-rp/command-endpoints/${TENANT}`, { method: 'PUT', body: JSON.stringify({ command_endpoint: endpoint }) });
    if (put.status !== 200) throw new Error(`PUT command endpoint: ${put.status} ${await put.text()}`);
    const pid = stack.op.child.pid;
    const rssBefore = rssMb(pid);
    const t0 = Date.now();
    const sent = await admin('/commands', { method: 'POST', body: JSON.stringify({ client_id: 'demo-rp', command: 'audit_tenant', tenant: TENANT }) });
    if (sent.status !== 202) throw new Error(`enqueue: ${sent.status} ${await sent.text()}`);
    const { id } = (await sent.json()) as { id: string };
    let rssMax = rssBefore ?? 0;
    let delivery: { status: string; last_response?: { account_events?: number } } = { status: 'pending' };
    let lastLog = 0;
    while (!['succeeded', 'failed'].includes(delivery.status)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivery = (await (await admin(`/commands/${id}`)).json()) as typeof delivery;
      rssMax = Math.max(rssMax, rssMb(pid) ?? 0);
      if (Date.now() - lastLog > 2000) {
        lastLog = Date.now();
        step(`${delivery.status}: ${delivery.last_response?.account_events ?? 0} accounts stored, OP RSS ${rssMb(pid)} MB`);
      }
      if (Date.now() - t0 > 600_000) throw new Error('not finished after 600 s');
    }
    const seconds = (Date.now() - t0) / 1000;
    const page = (await (await admin(`/commands/${id}/accounts?after=${ACCOUNTS - 1}&limit=5`)).json()) as { accounts: { seq: number }[] };
    const result = {
      date: new Date().toISOString(),
      machine: { nproc: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart },
      accounts: ACCOUNTS,
      status: delivery.status,
      lastResponse: delivery.last_response,
      lastStoredSeq: page.accounts.at(-1)?.seq ?? null,
      seconds,
      accountsPerSecond: Math.round(ACCOUNTS / seconds),
      opRssMb: { before: rssBefore, max: rssMax },
      goal: { accountsPerSecond: 50_000, met: delivery.status === 'succeeded' && ACCOUNTS / seconds >= 50_000 },
    };
    step(`${result.status}: ${ACCOUNTS} accounts in ${seconds.toFixed(1)} s = ${result.accountsPerSecond}/s, OP RSS ${rssBefore} → max ${rssMax} MB`);
    const dir = path.join(BENCH_ROOT, 'results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `fan-out-audit-${result.date.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z')}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    step(`wrote ${path.relative(process.cwd(), file)}`);
    if (delivery.status !== 'succeeded' || result.lastStoredSeq !== ACCOUNTS) process.exitCode = 1;
  } finally {
    await stop();
    source.closeAllConnections();
    source.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
