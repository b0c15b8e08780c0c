import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations, createTestDatabase, ping, type TestDatabase } from '../src/index.js';

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('createTestDatabase + applyMigrations on embedded Postgres', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    dir = await migrationsFolder({
      '20260101000000_init': 'CREATE TABLE things (id int primary key, name text not null);',
    });
    db = await createTestDatabase({ migrationsDir: dir, prefix: 'devpg_test', serverUrl: process.env.TEST_DATABASE_URL });
  }, 60_000);

  afterAll(async () => {
    await db?.dispose();
  });

  it('applies migrations once and records them where Prisma looks', async () => {
    expect(await ping(db.url)).toBe(true);
    const again = await applyMigrations({ connectionString: db.url, migrationsDir: dir });
    expect(again).toEqual({ applied: [], alreadyApplied: ['20260101000000_init'] });

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const rows = await client.query('SELECT migration_name, checksum FROM "_prisma_migrations"');
    await client.end();
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rolls back a failing migration and leaves nothing half-written', async () => {
    await mkdir(path.join(dir, '20260102000000_broken'));
    await writeFile(
      path.join(dir, '20260102000000_broken', 'migration.sql'),
      'CREATE TABLE half (id int); INSERT INTO nowhere VALUES (1);',
    );
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toThrow(
      /20260102000000_broken failed/,
    );
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const half = await client.query("SELECT to_regclass('half') AS t");
    const recorded = await client.query('SELECT count(*)::int AS n FROM "_prisma_migrations"');
    await client.end();
    expect(half.rows[0].t).toBeNull();
    expect(recorded.rows[0].n).toBe(1);
  });

  it('refuses a migration edited after it was applied', async () => {
    const edited = await migrationsFolder({
      '20260101000000_init': 'CREATE TABLE things (id int primary key);',
    });
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: edited })).rejects.toThrow(/checksum/);
  });
});
