import { sqlQuery, type Db } from '../db/client.js';
import { utcTimestampText, type SqlStatement } from './token-rows.js';

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'converged', 'accepted', 'completed', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One command for one RP, as the outbox holds it. */
export interface CommandDeliveryRecord {
  id: string;
  clientId: string;
  command: string;
  tenant: string;
  sub: string | null;
  claims: Record<string, unknown> | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  lastResponse: unknown;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  /** `command`, or `backchannel_logout` (see src/services/logout/deliver-logout.ts). */
  kind: string;
  /** backchannel_logout only: the ended OP session's `sid`. */
  sid: string | null;
  /** `migrate` / `migrate_async` only. */
  authenticationProvider: string | null;
  /** The RP's asynchronous result, POSTed to the callback endpoint (§5.2). */
  callbackResponse: Record<string, unknown> | null;
  callbackReceivedAt: Date | null;
}

export interface NewCommandDelivery {
  clientId: string;
  command: string;
  tenant: string;
  sub?: string;
  claims?: Record<string, unknown>;
  authenticationProvider?: string;
  now: Date;
}

/** The record of a row just stored from `input` with `id` (what a read would return). */
export function pendingRecord(id: string, input: NewCommandDelivery): CommandDeliveryRecord {
  return {
    id,
    clientId: input.clientId,
    command: input.command,
    tenant: input.tenant,
    sub: input.sub ?? null,
    claims: input.claims ?? null,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: input.now,
    lastStatus: null,
    lastError: null,
    lastResponse: null,
    createdAt: input.now,
    updatedAt: input.now,
    completedAt: null,
    kind: 'command',
    sid: null,
    authenticationProvider: input.authenticationProvider ?? null,
    callbackResponse: null,
    callbackReceivedAt: null,
  };
}

/** The columns of a new row (also used by transactions that enqueue with other writes). */
export function newDeliveryData(input: NewCommandDelivery) {
  return {
    clientId: input.clientId,
    command: input.command,
    tenant: input.tenant,
    sub: input.sub ?? null,
    claims: json(input.claims),
    authenticationProvider: input.authenticationProvider ?? null,
    status: 'pending',
    nextAttemptAt: input.now,
    createdAt: input.now,
  };
}

/** What one attempt ended with: done (a final status), or another try at `nextAttemptAt`. */
export type AttemptResult =
  | { status: 'succeeded' | 'converged' | 'accepted' | 'failed'; lastStatus?: number; lastError?: string; lastResponse?: unknown; now: Date }
  | { status: 'pending'; nextAttemptAt: Date; lastStatus?: number; lastError?: string; lastResponse?: unknown; now: Date };

type Row = Awaited<ReturnType<Db['commandDelivery']['findFirstOrThrow']>>;

function toRecord(row: Row): CommandDeliveryRecord {
  return {
    ...row,
    status: row.status as DeliveryStatus,
    claims: (row.claims as Record<string, unknown> | null) ?? null,
    lastResponse: row.lastResponse ?? null,
    callbackResponse: (row.callbackResponse as Record<string, unknown> | null) ?? null,
  };
}

function json(value: unknown): object | undefined {
  return value === undefined || value === null ? undefined : (value as object);
}

/** The outcome of many attempts in one round trip (a named statement; times as UTC text). */
const RECORD_ATTEMPTS: SqlStatement = {
  name: 'op_command_deliveries_record_attempts',
  text: `UPDATE "command_deliveries" AS d SET
           "status" = r."status", "last_status" = r."last_status", "last_error" = r."last_error", "last_response" = r."last_response",
           "completed_at" = CASE WHEN r."done" THEN r."now" ELSE d."completed_at" END,
           "next_attempt_at" = CASE WHEN r."done" THEN d."next_attempt_at" ELSE r."next_attempt_at" END,
           "updated_at" = r."now"
         FROM json_to_recordset($1::json) AS r("id" text, "attempts" int, "status" text, "last_status" int, "last_error" text,
           "last_response" jsonb, "done" boolean, "now" timestamp(3), "next_attempt_at" timestamp(3))
         WHERE d."id" = r."id" AND d."status" = 'delivering' AND d."attempts" = r."attempts"
         RETURNING d."id", d."status", d."callback_response" IS NOT NULL AS "has_callback"`,
};

/**
 * See `claimDue` of the repository: one statement locks the due rows (skipping those another
 * transaction holds), marks them `delivering`, counts the attempt, sets the lease, and returns
 * them in due order. Pending rows and expired leases are read apart, each an ordered scan of the
 * `(status, next_attempt_at)` index: `status IN (…)` made Postgres sort every due row for each
 * claim (4 ms per claim with 10,000 pending). Times are UTC text (`timestamp(3)` columns).
 */
const CLAIM_DUE: SqlStatement = {
  name: 'op_command_deliveries_claim_due',
  text: `WITH "p" AS (
           SELECT "id", "next_attempt_at" FROM "command_deliveries"
            WHERE "status" = 'pending' AND "next_attempt_at" <= $1::timestamp(3)
            ORDER BY "next_attempt_at" LIMIT $3
            FOR UPDATE SKIP LOCKED
         ), "l" AS (
           SELECT "id", "next_attempt_at" FROM "command_deliveries"
            WHERE "status" = 'delivering' AND "next_attempt_at" <= $1::timestamp(3)
            ORDER BY "next_attempt_at" LIMIT $3
            FOR UPDATE SKIP LOCKED
         ), "due" AS (
           SELECT "id", "next_attempt_at" AS "due_at" FROM (SELECT * FROM "p" UNION ALL SELECT * FROM "l") AS "both"
            ORDER BY "next_attempt_at" LIMIT $3
         ), "claimed" AS (
           UPDATE "command_deliveries" AS d
              SET "status" = 'delivering', "attempts" = d."attempts" + 1, "next_attempt_at" = $2::timestamp(3), "updated_at" = $1::timestamp(3)
             FROM "due" WHERE d."id" = "due"."id"
           RETURNING d.*, "due"."due_at"
         )
         SELECT "id", "client_id" AS "clientId", "command", "tenant", "sub", "claims", "status", "attempts",
                "next_attempt_at" AS "nextAttemptAt", "last_status" AS "lastStatus", "last_error" AS "lastError",
                "last_response" AS "lastResponse", "created_at" AS "createdAt", "updated_at" AS "updatedAt",
                "completed_at" AS "completedAt", "kind", "sid", "authentication_provider" AS "authenticationProvider",
                "callback_response" AS "callbackResponse", "callback_received_at" AS "callbackReceivedAt"
           FROM "claimed" ORDER BY "due_at", "id"`,
};

/** See `clientIdsSignedInBy` of the repository (a named statement: it runs once per lifecycle event). */
const CLIENT_IDS_SIGNED_IN_BY: SqlStatement = {
  name: 'op_command_deliveries_client_ids_signed_in_by',
  text: `SELECT "client_id" FROM "consents" WHERE "user_id" = $1
         UNION SELECT "client_id" FROM "authorization_codes" WHERE "user_id" = $1
         UNION SELECT "client_id" FROM "access_tokens" WHERE "user_id" = $1
         UNION SELECT "client_id" FROM "refresh_tokens" WHERE "user_id" = $1
         ORDER BY "client_id"`,
};

/** See `recordAttempts` of the repository. */
async function recordAttempts(db: Db, entries: readonly { id: string; attempt: number; result: AttemptResult }[]): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const rows = entries.map(({ id, attempt, result }) => ({
    id,
    attempts: attempt,
    status: result.status,
    last_status: result.lastStatus ?? null,
    last_error: result.lastError ?? null,
    last_response: result.lastResponse ?? null,
    done: result.status !== 'pending',
    now: utcTimestampText(result.now),
    next_attempt_at: result.status === 'pending' ? utcTimestampText(result.nextAttemptAt) : null,
  }));
  const { rows: recorded } = await sqlQuery<{ id: string; status: string; has_callback: boolean }>(db, RECORD_ATTEMPTS, [JSON.stringify(rows)]);
  const promote = recorded.filter((row) => row.status === 'accepted' && row.has_callback).map((row) => row.id);
  if (promote.length > 0) await db.commandDelivery.updateMany({ where: { id: { in: promote }, status: 'accepted' }, data: { status: 'completed' } });
  return new Set(recorded.map((row) => row.id));
}

/**
 * The command outbox (`command_deliveries`). Rows are claimed with `FOR UPDATE SKIP LOCKED`, so
 * any number of OP processes on one database deliver each command once; a claimed row carries a
 * lease (`next_attempt_at`) after which another worker may take it over (a crashed process).
 */
export function commandDeliveryRepository(db: Db) {
  return {
    async create(input: NewCommandDelivery): Promise<CommandDeliveryRecord> {
      const row = await db.commandDelivery.create({ data: newDeliveryData(input) });
      return toRecord(row);
    },

    /** A not yet final delivery of `command` for the client and tenant (refresh requests are not stacked). */
    async findOpen(clientId: string, tenant: string, command: string): Promise<CommandDeliveryRecord | null> {
      const row = await db.commandDelivery.findFirst({ where: { clientId, tenant, command, status: { in: ['pending', 'delivering'] } } });
      return row ? toRecord(row) : null;
    },

    /**
     * Stores the RP's asynchronous result. An `accepted` (or not yet final) delivery becomes
     * `completed`; one still `delivering` (the result overtook the 202) keeps its status and is
     * promoted when its attempt is recorded (see `recordAttempt`).
     */
    async recordCallback(id: string, response: Record<string, unknown>, now: Date): Promise<boolean> {
      const count = await db.$executeRaw`
        UPDATE "command_deliveries"
        SET "callback_response" = ${JSON.stringify(response)}::jsonb,
            "callback_received_at" = (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'),
            "status" = CASE WHEN "status" = 'delivering' THEN "status" ELSE 'completed' END,
            "completed_at" = CASE WHEN "status" = 'delivering' THEN "completed_at" ELSE COALESCE("completed_at", (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')) END,
            "updated_at" = (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
        WHERE "id" = ${id}`;
      return count === 1;
    },

    /** Writes streaming progress into `last_response` while the stream is read (fenced). */
    async recordProgress(id: string, attempt: number, progress: object): Promise<boolean> {
      const { count } = await db.commandDelivery.updateMany({
        where: { id, status: 'delivering', attempts: attempt },
        data: { lastResponse: progress },
      });
      return count === 1;
    },

    /**
     * The clients a user has signed in at: any consent, authorization code, access token or
     * refresh token the OP ever recorded for the pair (first-party clients skip consent, so
     * consents alone would miss them; none of these tables is pruned).
     */
    async clientIdsSignedInBy(userId: string): Promise<string[]> {
      const { rows } = await sqlQuery<{ client_id: string }>(db, CLIENT_IDS_SIGNED_IN_BY, [userId]);
      return rows.map((row) => row.client_id);
    },

    async findById(id: string): Promise<CommandDeliveryRecord | null> {
      const row = await db.commandDelivery.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    },

    /** Newest first. */
    async list(options: { clientId?: string; limit: number }): Promise<CommandDeliveryRecord[]> {
      const rows = await db.commandDelivery.findMany({
        where: options.clientId === undefined ? {} : { clientId: options.clientId },
        orderBy: { createdAt: 'desc' },
        take: options.limit,
      });
      return rows.map(toRecord);
    },

    /**
     * Claims up to `limit` due rows (pending and due, or delivering with an expired lease): marks
     * them `delivering`, counts the attempt and sets the lease to `leaseUntil`. Rows another
     * transaction holds are skipped, never waited for.
     */
    async claimDue(options: { now: Date; leaseUntil: Date; limit: number }): Promise<CommandDeliveryRecord[]> {
      const { rows } = await sqlQuery<Row>(db, CLAIM_DUE, [utcTimestampText(options.now), utcTimestampText(options.leaseUntil), options.limit]);
      return rows.map(toRecord);
    },

    /**
     * Records an attempt's result, fenced on the attempt number: a worker whose lease expired
     * and whose row was taken over cannot overwrite the newer attempt. False when fenced off.
     */
    async recordAttempt(id: string, attempt: number, result: AttemptResult): Promise<boolean> {
      return (await recordAttempts(db, [{ id, attempt, result }])).has(id);
    },

    /**
     * Records many attempts' results in one statement, each fenced on its attempt number (see
     * `recordAttempt`). Returns the ids that were recorded. An `accepted` row whose async result
     * already arrived (it overtook the 202) becomes `completed`.
     */
    recordAttempts(entries: readonly { id: string; attempt: number; result: AttemptResult }[]): Promise<Set<string>> {
      return recordAttempts(db, entries);
    },

    /** Extends the lease of a row still being delivered (a long stream); false when fenced off. */
    async extendLease(id: string, attempt: number, until: Date): Promise<boolean> {
      const { count } = await db.commandDelivery.updateMany({
        where: { id, status: 'delivering', attempts: attempt },
        data: { nextAttemptAt: until },
      });
      return count === 1;
    },
  };
}
export type CommandDeliveryRepository = ReturnType<typeof commandDeliveryRepository>;
