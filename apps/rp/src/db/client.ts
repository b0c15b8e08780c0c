import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient } from '../generated/prisma/client.js';

/** node-postgres' pool, typed through the Prisma adapter that is built on it. */
type SqlPool = ReturnType<Awaited<ReturnType<PrismaPg['connect']>>['underlyingDriver']>;

// `pg`'s pool type comes from the adapter (above). The adapter checks `instanceof pg.Pool`, so
// this must be the same module it loads (one pg in the lockfile).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as {
  Pool: new (config: { connectionString: string; connectionTimeoutMillis: number }) => SqlPool;
  types: { getTypeParser(oid: number, format?: string): unknown };
};

const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);

/** `timestamp` (without time zone) columns hold UTC wall time, as Prisma writes and reads them. */
const UTC_TYPES = {
  getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMP_OID && format !== 'binary' ? parseUtcTimestamp : pg.types.getTypeParser(oid, format)),
};

const pools = new WeakMap<object, SqlPool>();

export interface CreatePrismaClientOptions {
  connectionString: string;
  /** Fail a connection attempt after this long, so readiness checks answer. Default 5000 ms. */
  connectionTimeoutMillis?: number;
}

/**
 * The one way to build a Prisma client: the pg driver adapter, no native query engine.
 * The server builds one per process; tests build their own. Prisma and the few hand-written
 * hot-path statements ({@link sqlQuery}) share one `pg` pool, which `$disconnect()` ends.
 */
export function createPrismaClient({ connectionString, connectionTimeoutMillis = 5000 }: CreatePrismaClientOptions): PrismaClient {
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis });
  // An idle connection that breaks (database restart) must not crash the process; the pool
  // replaces it. Prisma adds its own listener once it connects.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/** A hot-path statement: named, so each connection parses and plans it once. */
export interface SqlStatement {
  name: string;
  text: string;
}

/**
 * Runs a named prepared statement on the pool behind `db` (no query compiler on the way),
 * `timestamp` columns read as UTC. A client not made by {@link createPrismaClient}, or a
 * transaction, runs the same text through Prisma's `$queryRawUnsafe`. Only `src/repositories/*`
 * may use it.
 */
export async function sqlQuery<Row extends object>(
  db: object & { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> },
  statement: SqlStatement,
  values: unknown[],
): Promise<Row[]> {
  const pool = pools.get(db);
  if (pool === undefined) return db.$queryRawUnsafe<Row[]>(statement.text, ...values);
  const result = await pool.query<Row>({ name: statement.name, text: statement.text, values, types: UTC_TYPES as never });
  return result.rows;
}
