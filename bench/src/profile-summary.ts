// Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=<dir> pnpm bench`): where the OP's CPU
// time went, by package and by function, self and inclusive.
//
//   node bench/dist/profile-summary.js <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Who a frame belongs to: a package in node_modules, a workspace package, node itself, or V8. */
export function ownerOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:' + (url.slice(5).split('/')[1] ?? url.slice(5));
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const workspace = /\/(apps|packages)\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (workspace) {
    if (workspace[3]!.startsWith('generated/')) return `${workspace[2]} (generated prisma client)`;
    return `${workspace[1]}/${workspace[2]}`;
  }
  return url;
}

/**
 * Coarse buckets for "where does a request's CPU go": a sample counts for the first bucket that
 * has a frame anywhere on its stack, in this order.
 */
const GROUPS: [string, (owner: string) => boolean][] = [
  ['garbage collector', (o) => o === '(garbage collector)'],
  ['database: Prisma client + query compiler (wasm)', (o) => o === '@prisma/client' || o.startsWith('wasm://') || o.includes('generated prisma client') || o.startsWith('@prisma/')],
  ['database: pg driver (pg, pg-pool, pg-protocol)', (o) => o === 'pg' || o === 'pg-pool' || o === 'pg-protocol'],
  ['zod (validation)', (o) => o === 'zod'],
  ['crypto (jose, node:crypto, @oidc-ref/crypto)', (o) => o === 'jose' || o === 'node:crypto' || o === 'packages/crypto'],
  ['Express, router, body-parser, helmet', (o) => ['express', 'router', 'body-parser', 'raw-body', 'helmet', 'qs', 'type-is', 'finalhandler', 'send', 'on-finished', 'content-type'].includes(o)],
  ['HTTP server and sockets (node core)', (o) => o.startsWith('node:_http') || o === 'node:net' || o === 'node:stream_base_commons'],
  ['the OP\'s own code', (o) => o === 'apps/op'],
];

export function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(apps|packages)\//, '$1/');
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
  };
  const selfByFn = new Map<string, number>();
  const totalByFn = new Map<string, number>();
  const selfByOwner = new Map<string, number>();
  const totalByOwner = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const add = (map: Map<string, number>, k: string, v: number) => map.set(k, (map.get(k) ?? 0) + v);
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    total += delta;
    add(selfByFn, key(leaf), delta);
    add(selfByOwner, ownerOf(leaf.callFrame.url, leaf.callFrame.functionName), delta);
    const fns = new Set<string>();
    const owners = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      if (node.callFrame.functionName === '(root)') break;
      fns.add(key(node));
      owners.add(ownerOf(node.callFrame.url, node.callFrame.functionName));
    }
    for (const f of fns) add(totalByFn, f, delta);
    for (const o of owners) add(totalByOwner, o, delta);
    const group = GROUPS.find(([, matches]) => [...owners].some(matches))?.[0] ?? 'other (node core, timers, microtasks)';
    add(byGroup, group, delta);
  });
  const pct = (v: number) => `${((v / total) * 100).toFixed(1).padStart(5)}%`;
  const table = (title: string, map: Map<string, number>, n: number) =>
    [`${title}`, ...[...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${pct(v)}  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`)].join('\n');
  const wall = (profile.endTime - profile.startTime) / 1000;
  return [
    `profile: ${(wall / 1000).toFixed(1)} s wall, ${(total / 1000).toFixed(0)} ms on CPU (main thread), ${(idle / 1000).toFixed(0)} ms idle; percentages are of CPU time`,
    '',
    table('by bucket (first match on the stack: GC, Prisma, pg, zod, crypto, Express, HTTP core, OP code)', byGroup, GROUPS.length + 1),
    '',
    table('self time by owner', selfByOwner, top),
    '',
    table('inclusive time by owner (on the stack)', totalByOwner, top),
    '',
    table('self time by function', selfByFn, top),
    '',
    table('inclusive time by function', totalByFn, top),
  ].join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: profile-summary <file.cpuprofile> [top]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(summarise(profile, Number(process.argv[3] ?? 25)));
}
