import { readdirSync, readFileSync } from 'node:fs';

// A benchmark on a shared machine measures the neighbours too. These helpers read Linux's
// /proc to tell how much CPU *other* processes used during a measurement, and to wait for a
// quiet moment before one. Elsewhere they report nothing and never wait.

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  /** Ticks of the whole machine: busy and total, all CPUs. */
  busy: number;
  total: number;
  /** Ticks used by this process and everything it started (servers, Postgres, CLIs). */
  ours: number;
  /** Ticks used by the named process trees (a server and its children). */
  trees: Record<string, number>;
}

export function cpuSnapshot(trees: Record<string, number | undefined> = {}): CpuSnapshot | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    const table = processTable();
    const named = Object.fromEntries(Object.entries(trees).map(([name, pid]) => [name, pid === undefined ? 0 : treeCpu(table, pid)]));
    return { busy, total: busy + idle + iowait, ours: treeCpu(table, process.pid), trees: named };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds a named process tree used between two snapshots. */
export function treeCpuMs(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, name: string): number | undefined {
  const a = before?.trees[name];
  const b = after?.trees[name];
  return a === undefined || b === undefined ? undefined : ((b - a) * 1000) / TICKS_PER_SECOND;
}

/** Share of the machine's CPU capacity (0..1) used by processes that are not ours, between two snapshots. */
export function foreignCpuShare(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  const foreign = after.busy - before.busy - (after.ours - before.ours);
  return Math.max(0, Math.round((foreign / (after.total - before.total)) * 1000) / 1000);
}

/** Machine-wide busy share (0..1) between two snapshots. */
export function busyShare(before: CpuSnapshot, after: CpuSnapshot): number {
  return after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : 0;
}

/**
 * Waits until other processes use less than `threshold` of the CPU over a 2 s window, for at
 * most `maxSeconds`. Returns the share seen last (undefined without /proc).
 */
export async function waitForQuiet(maxSeconds: number, threshold: number, onWait: (share: number) => void): Promise<number | undefined> {
  const deadline = Date.now() + maxSeconds * 1000;
  let announced = false;
  for (;;) {
    const before = cpuSnapshot();
    if (!before) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const share = foreignCpuShare(before, cpuSnapshot()) ?? 0;
    if (share < threshold || Date.now() >= deadline) return share;
    if (!announced) onWait(share);
    announced = true;
  }
}

interface ProcessTable {
  children: Map<number, number[]>;
  ticks: Map<number, number>;
}

function processTable(): ProcessTable {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command may contain spaces and parentheses: fields start after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(rest[1]);
      // utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the command.
      ticks.set(pid, Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]));
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // exited meanwhile
    }
  }
  return { children, ticks };
}

function treeCpu({ children, ticks }: ProcessTable, root: number): number {
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The pid of a direct child of this process whose command name is `comm` (e.g. `postgres`). */
export function childNamed(comm: string): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === process.pid && name === comm) return Number(entry);
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}
