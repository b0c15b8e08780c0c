import { sqlQuery, type SqlStatement } from '../db/client.js';
import type { Db } from './db.js';

/** How often (at most) one process sweeps expired command `jti`s. */
const SWEEP_INTERVAL_MS = 60_000;
/** Expired rows are kept this long past their `exp` (clock skew). */
const SWEEP_GRACE_MS = 5 * 60_000;

const INSERT_JTI: SqlStatement = {
  name: 'rp_command_jti_insert',
  text: `INSERT INTO "command_jtis" ("issuer", "jti", "expires_at")
         VALUES ($1, $2, ($3::timestamptz AT TIME ZONE 'UTC'))
         ON CONFLICT ("issuer", "jti") DO NOTHING
         RETURNING "jti"`,
};

const SWEEP_JTIS: SqlStatement = {
  name: 'rp_command_jti_sweep',
  text: `DELETE FROM "command_jtis" WHERE "expires_at" < ($1::timestamptz AT TIME ZONE 'UTC') RETURNING 1 AS "swept"`,
};

/** When each database client last swept (per client, so test databases do not share it). */
const lastSweep = new WeakMap<object, number>();

/**
 * Records a command token's `(issuer, jti)` until `expiresAt`; `false` when it was already
 * there (a replay). One INSERT … ON CONFLICT DO NOTHING: the primary key makes this atomic
 * across processes. Rows expired for more than 5 minutes are swept on the way, at most once a
 * minute per process (a replayed token is refused by its `exp` long before its row goes).
 */
export async function rememberCommandJti(db: Db, options: { issuer: string; jti: string; expiresAt: Date; now: Date }): Promise<boolean> {
  const { issuer, jti, expiresAt, now } = options;
  const last = lastSweep.get(db);
  if (last === undefined || now.getTime() - last >= SWEEP_INTERVAL_MS || now.getTime() < last) {
    lastSweep.set(db, now.getTime());
    await sqlQuery(db, SWEEP_JTIS, [new Date(now.getTime() - SWEEP_GRACE_MS).toISOString()]);
  }
  const rows = await sqlQuery<{ jti: string }>(db, INSERT_JTI, [issuer, jti, expiresAt.toISOString()]);
  return rows.length === 1;
}
