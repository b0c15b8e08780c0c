import { Prisma } from '../generated/prisma/client.js';

/**
 * Typed SQL parameters for the token tables' hand-written statements (grant-repository.ts and
 * friends). The token endpoint is a hot path: one raw statement costs a fraction of the CPU of
 * Prisma's query builder for writes, and data-modifying CTEs make a multi-table write one
 * atomic round trip. Every parameter is cast explicitly so it works in `VALUES` and in
 * `INSERT … SELECT` alike. Times are sent as UTC text into `timestamp(3)` columns, exactly as
 * Prisma stores and reads `DateTime`.
 */
export const sqlText = (value: string | null): Prisma.Sql => Prisma.sql`${value}::text`;

/** A `DateTime` as Prisma stores it: UTC wall time in a `timestamp(3)` column. */
export const sqlTimestamp = (value: Date | null): Prisma.Sql =>
  Prisma.sql`${value === null ? null : value.toISOString().slice(0, 23).replace('T', ' ')}::timestamp(3)`;

export const sqlTextArray = (value: string[]): Prisma.Sql => Prisma.sql`${value}::text[]`;

/** A JSON column value; null (or undefined) is SQL NULL. */
export const sqlJson = (value: object | null | undefined): Prisma.Sql =>
  Prisma.sql`${value == null ? null : JSON.stringify(value)}::jsonb`;

/** A column list and the matching row of values, for `INSERT INTO t (columns) VALUES (row)`. */
export interface SqlRow {
  columns: Prisma.Sql;
  values: Prisma.Sql;
}

export function sqlRow(fields: Array<[column: string, value: Prisma.Sql]>): SqlRow {
  return {
    columns: Prisma.raw(fields.map(([column]) => `"${column}"`).join(', ')),
    values: Prisma.join(fields.map(([, value]) => value)),
  };
}

/**
 * Raw `pg` statements (hot paths only: the client lookup and the code exchange). Each is a
 * *named* prepared statement, parsed and planned once per connection (run with `sqlQuery`
 * from db/client.ts). Times are `timestamp(3)` columns holding UTC wall time (as Prisma writes
 * them): they are sent as UTC text and read back as UTC, whatever the process's time zone.
 */
export interface SqlStatement {
  name: string;
  text: string;
}

/** A `Date` as the UTC text of a `timestamp(3)` column; null stays null. */
export const utcTimestampText = (value: Date | null): string | null =>
  value === null ? null : value.toISOString().slice(0, 23).replace('T', ' ');
