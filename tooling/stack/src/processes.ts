import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export type LogLine = (source: string, line: string) => void;

export interface NodeOptions {
  /** Variables for the child, on top of its base environment. */
  env: Record<string, string>;
  /**
   * The base environment: this process's whole environment (default), or only PATH, HOME,
   * TMPDIR, LANG and TZ, so that nothing from the caller's shell changes a server under test.
   */
  inheritEnv?: boolean;
  /** Arguments for node itself, before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Arguments for the script. */
  args?: string[];
}

export interface Service {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const MINIMAL_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

function spawnNode(script: string, options: NodeOptions): ChildProcess {
  // eslint-disable-next-line no-restricted-properties -- children start from this environment, plus their own settings
  const parent = process.env;
  const base =
    options.inheritEnv === false
      ? Object.fromEntries(MINIMAL_ENV.flatMap((name) => (parent[name] === undefined ? [] : [[name, parent[name]!]])))
      : parent;
  return spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    env: { ...base, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a node script to completion; resolves with its stdout, rejects with its output. */
export async function runNode(name: string, script: string, options: NodeOptions, log?: LogLine): Promise<string> {
  const child = spawnNode(script, options);
  let stdout = '';
  const output: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  pipeLines(child, (line) => {
    output.push(line);
    log?.(name, line);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${output.join('\n')}`);
  return stdout;
}

/**
 * Starts a long-running node server and forwards its output line by line. It is killed when
 * this process exits, whatever way it ends.
 */
export function startNode(name: string, script: string, options: NodeOptions, log: LogLine): Service {
  const child = spawnNode(script, options);
  const lines: string[] = [];
  pipeLines(child, (line) => {
    lines.push(line);
    if (lines.length > 50) lines.shift();
    log(name, line);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    child,
    output: () => lines.join('\n'),
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function pipeLines(child: ChildProcess, onLine: (line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line);
    });
  }
}

/** Polls `url` until it answers 200, the service exits, or time runs out. */
export async function waitUntilReady(url: string, service: Service, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.child.exitCode} before it was ready:\n${service.output()}`);
    }
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs} ms:\n${service.output()}`);
}
