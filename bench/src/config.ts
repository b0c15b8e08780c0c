// The benchmark's knobs, read from the environment once. Every one is optional.
const env = process.env;

function int(name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
}

export interface BenchConfig {
  /** Concurrent connections of every autocannon run (both servers, both scenarios). */
  readonly connections: number;
  /** Seconds measured per server for client_credentials, after `warmupSeconds` unmeasured. */
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Authorization codes exchanged per server (measured), after `warmupCodes` unmeasured. */
  readonly codes: number;
  readonly warmupCodes: number;
  /** Parallel browsers minting codes through each server's front channel. */
  readonly mintConcurrency: number;
  /** Which scenarios to run. */
  readonly scenarios: readonly ('client_credentials' | 'authorization_code')[];
  /** Start our OP with `--cpu-prof`, profiles written here (relative to bench/). */
  readonly cpuProfileDir?: string;
  /**
   * Before each measurement, wait up to this many seconds for other processes to use less than
   * `quietThreshold` of the CPU (a shared machine measures the neighbours too).
   */
  readonly quietWaitSeconds: number;
  readonly quietThreshold: number;
  /** The built OP to run (its `server.js` and `cli/`); default apps/op/dist. For A/B runs of a change. */
  readonly opDist?: string;
  /** Write bench/results/<date>.json and the README section (off for trial runs). */
  readonly record: boolean;
}

/**
 * BENCH_CONNECTIONS (20), BENCH_DURATION (15 s), BENCH_WARMUP (3 s), BENCH_CODES (2000),
 * BENCH_WARMUP_CODES (200), BENCH_MINT_CONCURRENCY (8), BENCH_SCENARIOS
 * (client_credentials,authorization_code), BENCH_CPU_PROF (a folder), BENCH_QUIET_WAIT (10 s),
 * BENCH_QUIET_THRESHOLD (0.1), BENCH_OP_DIST (apps/op/dist), BENCH_RECORD (1; 0 to print only).
 */
export function loadConfig(): BenchConfig {
  const connections = int('BENCH_CONNECTIONS', 20);
  const roundUp = (n: number) => Math.ceil(n / connections) * connections;
  const scenarios = (env.BENCH_SCENARIOS ?? 'client_credentials,authorization_code').split(',').map((s) => s.trim());
  for (const s of scenarios) {
    if (s !== 'client_credentials' && s !== 'authorization_code') throw new Error(`BENCH_SCENARIOS: unknown scenario ${s}`);
  }
  return Object.freeze({
    connections,
    durationSeconds: int('BENCH_DURATION', 15),
    warmupSeconds: int('BENCH_WARMUP', 3, 0),
    // autocannon splits an amount evenly over the connections: keep it divisible.
    codes: roundUp(int('BENCH_CODES', 2000)),
    warmupCodes: roundUp(int('BENCH_WARMUP_CODES', 200, 0)),
    mintConcurrency: int('BENCH_MINT_CONCURRENCY', 8),
    scenarios: scenarios as BenchConfig['scenarios'],
    ...(env.BENCH_CPU_PROF ? { cpuProfileDir: env.BENCH_CPU_PROF } : {}),
    quietWaitSeconds: int('BENCH_QUIET_WAIT', 10, 0),
    quietThreshold: Number(env.BENCH_QUIET_THRESHOLD ?? 0.1),
    ...(env.BENCH_OP_DIST ? { opDist: env.BENCH_OP_DIST } : {}),
    record: env.BENCH_RECORD !== '0',
  });
}

/** The knobs of `pnpm bench:fan-out` (src/fan-out.ts). */
export interface FanOutConfig {
  /** Users, and commands per measured phase (FANOUT_N, default 10 000). */
  readonly users: number;
  /** Admin API requests in flight while enqueueing the fan-outs (FANOUT_ENQUEUE_CONCURRENCY, 16). */
  readonly enqueueConcurrency: number;
  /** `OP_COMMANDS_CONCURRENCY` of the OP under test (FANOUT_OP_CONCURRENCY; unset: the OP's default). */
  readonly opConcurrency?: number;
  /** Accounts in the `audit_tenant` stream of bench:fan-out-audit (FANOUT_AUDIT_ACCOUNTS, 500 000). */
  readonly auditAccounts: number;
  /** FANOUT_CPU_PROF: run the OP and the RP with `--cpu-prof`, profiles written in this folder. */
  readonly cpuProfileDir?: string;
}

export function loadFanOutConfig(): FanOutConfig {
  const opConcurrency = env.FANOUT_OP_CONCURRENCY === undefined || env.FANOUT_OP_CONCURRENCY === '' ? undefined : int('FANOUT_OP_CONCURRENCY', 16);
  return Object.freeze({
    users: int('FANOUT_N', 10_000),
    enqueueConcurrency: int('FANOUT_ENQUEUE_CONCURRENCY', 16),
    auditAccounts: int('FANOUT_AUDIT_ACCOUNTS', 500_000),
    ...(env.FANOUT_CPU_PROF ? { cpuProfileDir: env.FANOUT_CPU_PROF } : {}),
    ...(opConcurrency !== undefined && { opConcurrency }),
  });
}
