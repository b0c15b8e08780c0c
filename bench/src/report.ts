import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from './load.js';

export type ServerOutcome =
  | {
      status: 'measured';
      load: LoadResult;
      /** Share of the machine's CPU that other processes used during the measured run (Linux). */
      othersCpuShare?: number;
      /** CPU milliseconds per request: the server process, Postgres (ours), the load generator. */
      cpuMsPerRequest?: { server?: number; postgres?: number; loadGenerator?: number };
      facts: Record<string, unknown>;
    }
  | { status: 'unsupported'; reason: string };

export interface ScenarioResult {
  description: string;
  ours: ServerOutcome;
  oidcProvider: ServerOutcome;
  /** ours / oidc-provider: throughput (higher is better) and p99 latency (lower is better). */
  ratio?: { throughput: number; p99: number };
  /** Front-channel code minting before the run (authorization_code only). */
  minting?: { ours: MintStats; oidcProvider: MintStats };
}

export interface MintStats {
  codes: number;
  seconds: number;
}

export interface BenchResults {
  date: string;
  machine: { nproc: number; cpuModel: string; memoryGiB: number; node: string; os: string; loadAverageAtStart: number[] };
  versions: Record<string, string>;
  settings: {
    connections: number;
    clientCredentials: { durationSeconds: number; warmupSeconds: number };
    authorizationCode: { exchanges: number; warmupExchanges: number };
    /** A measurement during which other processes used more of the CPU than this is flagged. */
    quietThreshold: number;
  };
  scenarios: Partial<Record<'client_credentials' | 'authorization_code', ScenarioResult>>;
  /** The issue's goal for client_credentials: throughput ≥ 1.0x, p99 ≤ 1.0x. */
  goal: { throughputAtLeast: 1; p99AtMost: 1; met: boolean | null; why: string };
  valid: boolean;
}

export function ratioOf(ours: ServerOutcome, theirs: ServerOutcome): ScenarioResult['ratio'] {
  if (ours.status !== 'measured' || theirs.status !== 'measured') return undefined;
  const r = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    throughput: r(ours.load.requestsPerSecond, theirs.load.requestsPerSecond),
    p99: r(ours.load.latencyMs.p99, theirs.load.latencyMs.p99),
  };
}

export function goalOf(cc: ScenarioResult | undefined): BenchResults['goal'] {
  const base = { throughputAtLeast: 1, p99AtMost: 1 } as const;
  if (!cc) return { ...base, met: null, why: 'client_credentials was not run' };
  if (cc.ours.status !== 'measured') return { ...base, met: null, why: `our OP: ${cc.ours.reason}` };
  if (!cc.ratio) return { ...base, met: null, why: 'oidc-provider was not measured' };
  const throughputOk = cc.ratio.throughput >= 1;
  const p99Ok = cc.ratio.p99 <= 1;
  const met = throughputOk && p99Ok;
  return {
    ...base,
    met,
    why: `throughput ${cc.ratio.throughput}x (${throughputOk ? 'ok' : 'below 1.0x'}), p99 ${cc.ratio.p99}x (${p99Ok ? 'ok' : 'worse'})`,
  };
}

const SERVERS = [
  ['ours', 'our OP (Postgres)'],
  ['oidcProvider', 'oidc-provider (memory)'],
] as const;

/** A plain-text table for the terminal. */
export function textTable(results: BenchResults): string {
  const rows: string[][] = [['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'requests', 'CPU ms/req', "others' CPU"]];
  for (const [name, scenario] of Object.entries(results.scenarios)) {
    for (const [key, label] of SERVERS) {
      const outcome = scenario[key];
      if (outcome.status === 'measured') {
        const l = outcome.load;
        rows.push([
          name,
          label,
          fmt(l.requestsPerSecond),
          String(l.latencyMs.p50),
          String(l.latencyMs.p99),
          String(l.non2xx),
          String(l.errors + l.timeouts + l.mismatches),
          String(l.requests),
          cpuCell(outcome.cpuMsPerRequest),
          share(outcome.othersCpuShare),
        ]);
      } else {
        rows.push([name, label, outcome.status, '', '', '', '', '', '', '']);
      }
    }
    if (scenario.ratio) rows.push([name, 'ratio ours/theirs', `${scenario.ratio.throughput}x`, '', `${scenario.ratio.p99}x`, '', '', '', '', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** Server CPU per request, plus Postgres's where there is one. */
const cpuCell = (cpu: { server?: number; postgres?: number } | undefined) =>
  cpu?.server === undefined ? 'n/a' : cpu.postgres === undefined ? cpu.server.toFixed(2) : `${cpu.server.toFixed(2)} + ${cpu.postgres.toFixed(2)} pg`;
const share = (n: number | undefined) => (n === undefined ? 'n/a' : `${Math.round(n * 100)}%`);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

export const README_START = '<!-- bench:results:start -->';
export const README_END = '<!-- bench:results:end -->';

/** The README's results section, between the markers. */
export function markdownSection(results: BenchResults, jsonFile: string): string {
  const m = results.machine;
  const s = results.settings;
  const lines = [
    `### Latest run: ${results.date.slice(0, 10)}`,
    '',
    `Machine: ${m.nproc} CPUs (\`nproc\`; ${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}; ` +
      `load average at start ${m.loadAverageAtStart.join(' / ')}. ` +
      `Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join(', ')}. ` +
      `Load: ${s.connections} connections; client_credentials ${s.clientCredentials.durationSeconds} s per server after ` +
      `${s.clientCredentials.warmupSeconds} s warm-up; authorization_code ${s.authorizationCode.exchanges} exchanges per server ` +
      `after ${s.authorizationCode.warmupExchanges} warm-up exchanges. Raw numbers: [\`results/${jsonFile}\`](results/${jsonFile}).`,
    '',
    "| Scenario | Server | req/s | p50 ms | p99 ms | non-2xx | errors | CPU ms/request | others' CPU |",
    '|---|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const [name, scenario] of Object.entries(results.scenarios)) {
    for (const [key, label] of SERVERS) {
      const outcome = scenario[key];
      if (outcome.status === 'measured') {
        const l = outcome.load;
        lines.push(
          `| \`${name}\` | ${label} | ${fmt(l.requestsPerSecond)} | ${l.latencyMs.p50} | ${l.latencyMs.p99} | ${l.non2xx} | ${l.errors + l.timeouts + l.mismatches} | ${cpuCell(outcome.cpuMsPerRequest)} | ${share(outcome.othersCpuShare)} |`,
        );
      } else {
        lines.push(`| \`${name}\` | ${label} | ${outcome.status}: ${outcome.reason} | | | | | | |`);
      }
    }
    if (scenario.ratio) {
      lines.push(`| \`${name}\` | **ours / oidc-provider** | **${scenario.ratio.throughput}x** | | **${scenario.ratio.p99}x** | | | | |`);
    }
  }
  const goal = results.goal;
  lines.push(
    '',
    `Goal (client_credentials throughput ≥ 1.0x oidc-provider's, p99 no worse): ` +
      `**${goal.met === null ? 'not measured' : goal.met ? 'met' : 'not met'}**: ${goal.why}.` +
      (results.valid ? '' : ' **This run had failed requests: its numbers are invalid.**'),
  );
  const disturbed = Object.entries(results.scenarios).flatMap(([name, scenario]) =>
    SERVERS.flatMap(([key, label]) => {
      const o = scenario[key];
      return o.status === 'measured' && (o.othersCpuShare ?? 0) > s.quietThreshold ? [`${name} / ${label} (${share(o.othersCpuShare)})`] : [];
    }),
  );
  if (disturbed.length > 0) {
    lines.push('', `Other processes on the machine used a noticeable share of the CPU during: ${disturbed.join(', ')}; treat those numbers with care.`);
  }
  const code = results.scenarios.authorization_code;
  const facts = Object.entries(results.scenarios).flatMap(([name, scenario]) =>
    SERVERS.flatMap(([key, label]) => {
      const o = scenario[key];
      return o.status === 'measured' ? [`\`${name}\` at ${label}: \`${JSON.stringify(o.facts)}\``] : [];
    }),
  );
  if (facts.length > 0) lines.push('', 'What one request returned before each run:', '', ...facts.map((f) => `- ${f}`));
  if (code?.minting) {
    lines.push(
      '',
      `Codes were minted through each front channel before the exchange runs: ours ${code.minting.ours.codes} in ` +
        `${code.minting.ours.seconds} s, oidc-provider ${code.minting.oidcProvider.codes} in ${code.minting.oidcProvider.seconds} s.`,
    );
  }
  return lines.join('\n');
}

export async function writeResults(benchRoot: string, results: BenchResults): Promise<string> {
  const dir = path.join(benchRoot, 'results');
  await mkdir(dir, { recursive: true });
  const file = `${results.date.replace(/:/g, '').replace(/\.\d+Z$/, 'Z')}.json`;
  await writeFile(path.join(dir, file), `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** Replaces the section between the markers in bench/README.md (appends it if missing). */
export async function updateReadme(benchRoot: string, section: string): Promise<void> {
  const file = path.join(benchRoot, 'README.md');
  const readme = await readFile(file, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  const block = `${README_START}\n${section}\n${README_END}`;
  const updated = start !== -1 && end > start ? readme.slice(0, start) + block + readme.slice(end + README_END.length) : `${readme.trimEnd()}\n\n${block}\n`;
  await writeFile(file, updated);
}
