import { sqlQuery, type Db } from '../db/client.js';

/** One `account-state` event of an `audit_tenant` stream, as stored. */
export interface AuditAccountRow {
  seq: number;
  sub: string;
  accountState: string;
  lastAccess: number | null;
  authenticationProvider: string | null;
  /** The event's other members (retained claims, `aud_sub`, ...). */
  claims: Record<string, unknown>;
}

/** Many rows in one statement: one array parameter per column, expanded by `unnest`. */
const INSERT_BATCH = {
  name: 'op_audit_accounts_insert',
  text: `INSERT INTO "audit_accounts" ("delivery_id", "seq", "sub", "account_state", "last_access", "authentication_provider", "claims")
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::jsonb[])
         ON CONFLICT DO NOTHING`,
};

const PAGE = {
  name: 'op_audit_accounts_page',
  text: `SELECT "seq", "sub", "account_state" AS "accountState", "last_access"::float8 AS "lastAccess",
                "authentication_provider" AS "authenticationProvider", "claims"
         FROM "audit_accounts" WHERE "delivery_id" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`,
};

/** Stored `audit_tenant` results (`audit_accounts`), keyed by delivery and event order. */
export function auditAccountRepository(db: Db) {
  return {
    /** Inserts a batch with one multi-row statement (rows already stored are skipped). */
    async insertBatch(deliveryId: string, rows: readonly AuditAccountRow[]): Promise<void> {
      if (rows.length === 0) return;
      await sqlQuery(db, INSERT_BATCH, [
        deliveryId,
        rows.map((row) => row.seq),
        rows.map((row) => row.sub),
        rows.map((row) => row.accountState),
        rows.map((row) => row.lastAccess),
        rows.map((row) => row.authenticationProvider),
        rows.map((row) => JSON.stringify(row.claims)),
      ]);
    },

    /** Forgets a delivery's rows (a stream restarted from scratch). */
    async clear(deliveryId: string): Promise<void> {
      await db.auditAccount.deleteMany({ where: { deliveryId } });
    },

    /** Rows after `afterSeq`, in order. */
    async page(deliveryId: string, afterSeq: number, limit: number): Promise<AuditAccountRow[]> {
      const { rows } = await sqlQuery<AuditAccountRow>(db, PAGE, [deliveryId, afterSeq, limit]);
      return rows;
    },
  };
}
export type AuditAccountRepository = ReturnType<typeof auditAccountRepository>;
