import { randomUUID } from 'node:crypto';

import { sqlQuery, type SqlStatement } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';
import { scopedToTenant } from './tenant-scope.js';

/** An account as OpenID Provider Commands see it. */
export interface CommandAccountRecord {
  id: string;
  sub: string;
  state: string;
  email: string | null;
  name: string | null;
  claims: unknown;
  lastLoginAt: Date;
  groups: string[];
  opRoles: string[];
  authenticationProvider: string;
}

const select = {
  id: true,
  sub: true,
  state: true,
  email: true,
  name: true,
  claims: true,
  lastLoginAt: true,
  groups: true,
  opRoles: true,
  authenticationProvider: true,
} as const;

/** The same columns as {@link select}, for the hand-written hot-path statements. */
const COLUMNS = `"id", "sub", "state", "email", "name", "claims", "last_login_at" AS "lastLoginAt", "groups", "op_roles" AS "opRoles", "authentication_provider" AS "authenticationProvider"`;

/**
 * By the unique key `(issuer, sub)` alone, so every plan (also the generic plan of this named
 * statement) uses its index; the tenant is compared on the one row found. Filtering by
 * `tenant_id` in SQL let Postgres pick the `(tenant_id, issuer, id)` index and read the whole
 * tenant per command (the fan-out bench slowed down as the tenant grew).
 */
const FIND_ACCOUNT: SqlStatement = {
  name: 'rp_command_account_find',
  text: `SELECT ${COLUMNS}, "tenant_id" AS "tenantId" FROM "accounts" WHERE "issuer" = $1 AND "sub" = $2`,
};

const CREATE_ACCOUNT: SqlStatement = {
  name: 'rp_command_account_create',
  text: `INSERT INTO "accounts" ("id", "tenant_id", "issuer", "sub", "email", "name", "claims", "groups", "op_roles", "authentication_provider", "state", "last_login_at", "updated_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::text[], $9::text[], 'op', 'active', ($10::timestamptz AT TIME ZONE 'UTC'), ($10::timestamptz AT TIME ZONE 'UTC'))
         ON CONFLICT ("issuer", "sub") DO NOTHING
         RETURNING ${COLUMNS}`,
};

/** Every column is optional: NULL keeps the stored value; email and name change together, when $5 is true. */
const UPDATE_ACCOUNT: SqlStatement = {
  name: 'rp_command_account_update',
  text: `UPDATE "accounts" SET
           "state" = COALESCE($3, "state"),
           "email" = CASE WHEN $5::boolean THEN $6 ELSE "email" END,
           "name" = CASE WHEN $5::boolean THEN $7 ELSE "name" END,
           "claims" = COALESCE($8::jsonb, "claims"),
           "groups" = COALESCE($9::text[], "groups"),
           "op_roles" = COALESCE($10::text[], "op_roles"),
           "authentication_provider" = COALESCE($11, "authentication_provider"),
           "updated_at" = ($4::timestamptz AT TIME ZONE 'UTC')
         WHERE "tenant_id" = $1 AND "id" = $2
         RETURNING ${COLUMNS}`,
};

export interface AccountKey {
  tenantId: string;
  issuer: string;
  sub: string;
}

/** The account `(issuer, sub)` if it lives in `tenantId`; an account of another tenant is invisible. */
export async function findCommandAccount(db: Db, { tenantId, issuer, sub }: AccountKey): Promise<CommandAccountRecord | null> {
  const scope = scopedToTenant(tenantId, { issuer, sub });
  const rows = await sqlQuery<CommandAccountRecord & { tenantId: string }>(db, FIND_ACCOUNT, [scope.issuer, scope.sub]);
  const found = rows[0];
  // Tenant isolation: an account of another tenant is not found (digest §9).
  if (found === undefined || found.tenantId !== scope.tenantId) return null;
  const { tenantId: _tenantId, ...record } = found;
  return record;
}

/**
 * Creates an account for `activate`; `null` when `(issuer, sub)` already exists (in another
 * tenant: this tenant must not learn about it).
 */
export async function createCommandAccount(
  db: Db,
  options: AccountKey & { email: string | null; name: string | null; claims: unknown; groups: string[]; opRoles: string[]; now: Date },
): Promise<CommandAccountRecord | null> {
  const { issuer, sub, email, name, claims, groups, opRoles, now } = options;
  const { tenantId } = scopedToTenant(options.tenantId, {});
  const rows = await sqlQuery<CommandAccountRecord>(db, CREATE_ACCOUNT, [
    randomUUID(),
    tenantId,
    issuer,
    sub,
    email,
    name,
    JSON.stringify(claims ?? {}),
    groups,
    opRoles,
    now.toISOString(),
  ]);
  return rows[0] ?? null;
}

/**
 * Changes the state and/or claims of an account of `tenantId` (one UPDATE … RETURNING);
 * `null` when it is not there. `email` and `name` are set together (as a claims change does).
 */
export async function updateCommandAccount(
  db: Db,
  {
    tenantId,
    accountId,
    now = new Date(),
    ...change
  }: {
    tenantId: string;
    accountId: string;
    state?: string;
    email?: string | null;
    name?: string | null;
    claims?: unknown;
    groups?: string[];
    opRoles?: string[];
    authenticationProvider?: string;
    now?: Date;
  },
): Promise<CommandAccountRecord | null> {
  const scope = scopedToTenant(tenantId, { id: accountId });
  const profile = change.email !== undefined || change.name !== undefined;
  if (profile && (change.email === undefined || change.name === undefined)) throw new TypeError('email and name change together');
  const rows = await sqlQuery<CommandAccountRecord>(db, UPDATE_ACCOUNT, [
    scope.tenantId,
    scope.id,
    change.state ?? null,
    now.toISOString(),
    profile,
    change.email ?? null,
    change.name ?? null,
    change.claims === undefined ? null : JSON.stringify(change.claims),
    change.groups ?? null,
    change.opRoles ?? null,
    change.authenticationProvider ?? null,
  ]);
  return rows[0] ?? null;
}

/** Deletes an account of `tenantId` and every session it has. */
export async function deleteCommandAccount(db: Db, { tenantId, accountId }: { tenantId: string; accountId: string }): Promise<void> {
  await db.session.deleteMany({ where: { accountId } });
  await db.account.deleteMany({ where: scopedToTenant(tenantId, { id: accountId }) });
}

/**
 * What a tenant listing needs of an account, and nothing more: the retained (provisioned)
 * claims rather than the whole claims document, and whether the account ever signed in.
 */
export interface CommandAccountListRow {
  id: string;
  sub: string;
  state: string;
  email: string | null;
  name: string | null;
  authenticationProvider: string;
  /** `claims.provisioned` (the latest activate/maintain claims), or null. */
  provisioned: unknown;
  signedIn: boolean;
  lastLoginAt: Date;
}

/**
 * One page of a tenant's accounts of `issuer`, by id, after `afterId` (keyset paging on the
 * `(tenant_id, issuer, id)` index). One raw query per page, only the columns a listing needs,
 * so a million-account audit costs a few hundred round trips and no per-row ORM work.
 */
export async function listCommandAccountsPage(
  db: Db,
  options: { tenantId: string; issuer: string; states?: readonly string[]; afterId?: string; take: number },
): Promise<CommandAccountListRow[]> {
  const { tenantId, issuer, states, afterId, take } = options;
  const scope = scopedToTenant(tenantId, { issuer });
  const stateFilter = states === undefined ? Prisma.empty : Prisma.sql`AND state = ANY(${[...states]}::text[])`;
  const after = afterId === undefined ? Prisma.empty : Prisma.sql`AND id > ${afterId}`;
  return db.$queryRaw<CommandAccountListRow[]>`
    SELECT id, sub, state, email, name,
           authentication_provider AS "authenticationProvider",
           claims -> 'provisioned' AS provisioned,
           (claims -> 'id_token') IS NOT NULL AS "signedIn",
           last_login_at AS "lastLoginAt"
      FROM accounts
     WHERE tenant_id = ${scope.tenantId} AND issuer = ${scope.issuer} ${stateFilter} ${after}
     ORDER BY id
     LIMIT ${take}`;
}

/**
 * Sets who authenticates an account of `tenantId`, creating it (as `active`, with the given
 * email and name) when `create` is set and `(issuer, sub)` does not exist yet. `null` when the
 * account does not exist (and `create` is not set), or lives in another tenant.
 */
export async function setAccountAuthenticationProvider(
  db: Db,
  options: AccountKey & { authenticationProvider: string; create?: { email: string | null; name: string | null; now: Date } },
): Promise<CommandAccountRecord | null> {
  const { tenantId, issuer, sub, authenticationProvider, create } = options;
  const { count } = await db.account.updateMany({ where: scopedToTenant(tenantId, { issuer, sub }), data: { authenticationProvider } });
  if (count === 0 && create !== undefined) {
    try {
      return await db.account.create({
        data: { tenantId, issuer, sub, email: create.email, name: create.name, claims: {}, authenticationProvider, state: 'active', lastLoginAt: create.now },
        select,
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }
  return db.account.findFirst({ where: scopedToTenant(tenantId, { issuer, sub }), select });
}

/** One page of {@link listAuditDataPage}: the accounts' audit data, one JSON object per line. */
export interface AuditDataPage {
  /** `count` one-line JSON objects joined by `\n` (jsonb text never holds a raw line break), or null for an empty page. */
  lines: string | null;
  lastId: string | null;
  count: number;
}

/**
 * One page of a tenant's accounts of `issuer` as `audit` data, built by Postgres: for each
 * account (by id, after `afterId`) the retained claims (the provisioned ones, else email and
 * name) overlaid with `sub`, `account_state`, `authentication_provider` and, for an account
 * that signed in, `last_access`: the same object `audit` answers. The whole page is one row
 * with one text value, so the RP does no per-account parsing or serialising at all.
 */
export async function listAuditDataPage(db: Db, options: { tenantId: string; issuer: string; afterId?: string; take: number }): Promise<AuditDataPage> {
  const { tenantId, issuer, afterId, take } = options;
  const scope = scopedToTenant(tenantId, { issuer });
  const after = afterId === undefined ? Prisma.empty : Prisma.sql`AND id > ${afterId}`;
  const rows = await db.$queryRaw<AuditDataPage[]>`
    SELECT string_agg(data, E'\\n' ORDER BY id) AS lines, max(id) AS "lastId", count(*)::int AS count
      FROM (
        SELECT id,
               (CASE WHEN jsonb_typeof(claims -> 'provisioned') = 'object' THEN claims -> 'provisioned'
                     ELSE jsonb_strip_nulls(jsonb_build_object('email', email, 'name', name)) END
                || jsonb_build_object(
                     'sub', sub,
                     'account_state', CASE WHEN state IN ('active', 'suspended', 'archived') THEN state ELSE 'active' END,
                     'authentication_provider', CASE WHEN authentication_provider IN ('rp', 'op', 'op_migration', 'external') THEN authentication_provider ELSE 'unknown' END)
                || CASE WHEN claims -> 'id_token' IS NOT NULL
                        THEN jsonb_build_object('last_access', floor(extract(epoch FROM last_login_at))::bigint)
                        ELSE '{}'::jsonb END
               )::text AS data
          FROM accounts
         WHERE tenant_id = ${scope.tenantId} AND issuer = ${scope.issuer} ${after}
         ORDER BY id
         LIMIT ${take}
      ) AS page`;
  return rows[0] ?? { lines: null, lastId: null, count: 0 };
}
