import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export type { Prisma } from '../generated/prisma/client.js';

/** node-postgres' pool, typed through the Prisma adapter that is built on it. */
export type SqlPool = ReturnType<Awaited<ReturnType<PrismaPg['connect']>>['underlyingDriver']>;

// `pg` ships no types of its own; the pool's type comes from the adapter (above). The adapter
// checks `instanceof pg.Pool`, so this must be the same module it loads (one pg in the lockfile).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as {
  Pool: new (config: { connectionString: string }) => SqlPool;
  types: { getTypeParser(oid: number, format?: string): unknown };
};

const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);

/**
 * `timestamp` (without time zone) columns hold UTC wall time, as Prisma writes and reads them;
 * `pg` alone would read them in the process's time zone.
 */
const UTC_TYPES = {
  getTypeParser: (oid: number, format?: string) =>
    oid === TIMESTAMP_OID && format !== 'binary' ? parseUtcTimestamp : pg.types.getTypeParser(oid, format),
};

const pools = new WeakMap<Db, SqlPool>();

/**
 * One client per process; tests may build their own. Prisma and the few hand-written hot-path
 * statements (see {@link sqlPool}) share one `pg` pool, which `$disconnect()` ends.
 */
export function createDb(connectionString: string): Db {
  const pool = new pg.Pool({ connectionString });
  // An idle connection that breaks (database restart) must not crash the process; the pool
  // replaces it. Prisma adds its own listener once it connects.
  pool.on('error', () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The `pg` pool behind a client made by {@link createDb}, for repositories' hot-path
 * statements (named prepared statements: parsed and planned once per connection, and no query
 * compiler on the way). Only `src/repositories/*` may use it.
 *
 * @throws when `db` was not made by {@link createDb}.
 */
export function sqlPool(db: Db): SqlPool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this database client was not made by createDb(): it has no pg pool for raw statements');
  return pool;
}

/**
 * Runs a named prepared statement (see repositories/token-rows.ts) on the pool of `db`, with
 * `timestamp` columns read as UTC.
 */
export async function sqlQuery<Row extends object>(
  db: Db,
  statement: { name: string; text: string },
  values: unknown[],
): Promise<{ rows: Row[]; rowCount: number }> {
  const result = await sqlPool(db).query<Row>({ name: statement.name, text: statement.text, values, types: UTC_TYPES as never });
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}

/** Readiness: does the database answer a query? */
export function databaseCheck(db: Db): () => Promise<boolean> {
  return async () => {
    try {
      await db.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  };
}
