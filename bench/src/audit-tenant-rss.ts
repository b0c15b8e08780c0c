import { readFileSync } from 'node:fs';

/** A process's resident set size in bytes (`VmRSS` of /proc/<pid>/status), or undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export interface RssSampler {
  /** The highest sample so far, bytes. */
  peak(): number;
  samples(): number;
  stop(): void;
}

/** Samples a process's RSS every `intervalMs` (default 100 ms) and keeps the peak (nothing else accumulates). */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak = rssBytes(pid) ?? 0;
  let count = 1;
  const timer = setInterval(() => {
    const value = rssBytes(pid);
    if (value === undefined) return;
    count += 1;
    if (value > peak) peak = value;
  }, intervalMs);
  return {
    peak: () => peak,
    samples: () => count,
    stop: () => clearInterval(timer),
  };
}

export const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

