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

const json = (value: unknown): Prisma.InputJsonObject => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;

export interface AccountKey {
  tenantId: string;
  issuer: string;
  sub: string;
}

/** The account `(issuer, sub)` if it lives in `tenantId`; an account of another tenant is invisible. */
export async function findCommandAccount(db: Db, { tenantId, issuer, sub }: AccountKey): Promise<CommandAccountRecord | null> {
  return db.account.findFirst({ where: scopedToTenant(tenantId, { issuer, sub }), select });
}

/**
 * Creates an account for `activate`; `null` when `(issuer, sub)` already exists (in another
 * tenant: this tenant must not learn about it).
 */
export async function createCommandAccount(
  db: Db,
  options: AccountKey & { email: string | null; name: string | null; claims: unknown; groups: string[]; opRoles: string[]; now: Date },
): Promise<CommandAccountRecord | null> {
  const { tenantId, issuer, sub, email, name, claims, groups, opRoles, now } = options;
  try {
    return await db.account.create({
      data: { tenantId, issuer, sub, email, name, claims: json(claims), groups, opRoles, authenticationProvider: 'op', state: 'active', lastLoginAt: now },
      select,
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
    throw error;
  }
}

/** Changes the state and/or claims of an account of `tenantId`. */
export async function updateCommandAccount(
  db: Db,
  {
    tenantId,
    accountId,
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
  },
): Promise<CommandAccountRecord | null> {
  const { count } = await db.account.updateMany({
    where: scopedToTenant(tenantId, { id: accountId }),
    data: {
      ...(change.state === undefined ? {} : { state: change.state }),
      ...(change.email === undefined ? {} : { email: change.email }),
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.claims === undefined ? {} : { claims: json(change.claims) }),
      ...(change.groups === undefined ? {} : { groups: change.groups }),
      ...(change.opRoles === undefined ? {} : { opRoles: change.opRoles }),
      ...(change.authenticationProvider === undefined ? {} : { authenticationProvider: change.authenticationProvider }),
    },
  });
  if (count === 0) return null;
  return db.account.findFirst({ where: scopedToTenant(tenantId, { id: accountId }), select });
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
