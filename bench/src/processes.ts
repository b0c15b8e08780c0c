import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export type Log = (source: string, line: string) => void;

export interface ChildService {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const ENV_PASSED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

/**
 * Starts `node [nodeArgs] script` with only the given environment (plus PATH and the like), so
 * that nothing from the caller's shell changes a server under test.
 */
export function startNode(name: string, script: string, env: Record<string, string>, log: Log, nodeArgs: string[] = []): ChildService {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  pipeLines(child, (line) => {
    lines.push(line);
    if (lines.length > 50) lines.shift();
    log(name, line);
  });
  // A server must not outlive the benchmark, whatever way it ends.
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

/** Runs a node script to completion; resolves with its stdout, rejects with its output. */
export async function runNode(name: string, script: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${stderr}${stdout}`);
  return stdout;
}

/** Waits until `url` answers 200 (or `ready` is printed), the service exits, or time runs out. */
export async function waitUntilReady(url: string, service: ChildService, timeoutMs = 30_000): Promise<void> {
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

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ENV_PASSED) {
    // eslint-disable-next-line no-restricted-properties -- children get a minimal, explicit environment
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
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
