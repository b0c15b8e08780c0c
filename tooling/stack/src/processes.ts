import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export type LogLine = (source: string, line: string) => void;

/** Runs a node script to completion; rejects with its output when it fails. */
export async function runNode(script: string, env: Record<string, string>, source: string, log: LogLine): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- children inherit the environment, plus their own settings
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  pipeLines(child, (line) => {
    output.push(line);
    log(source, line);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${source} failed (exit ${code}):\n${output.join('\n')}`);
}

export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a long-running node server and forwards its output line by line. */
export function startNode(script: string, env: Record<string, string>, name: string, log: LogLine): Service {
  // eslint-disable-next-line no-restricted-properties -- children inherit the environment, plus their own settings
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeLines(child, (line) => log(name, line));
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
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
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited with code ${service.child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs} ms`);
}
