import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';
import { scopedToTenant } from './tenant-scope.js';

export interface AccountRecord {
  id: string;
  tenantId: string;
  issuer: string;
  sub: string;
  email: string | null;
  name: string | null;
  state: string;
  lastLoginAt: Date;
  createdAt: Date;
  groups: string[];
  opRoles: string[];
  authenticationProvider: string;
}

const accountSelect = {
  id: true,
  tenantId: true,
  issuer: true,
  sub: true,
  email: true,
  name: true,
  state: true,
  lastLoginAt: true,
  createdAt: true,
  groups: true,
  opRoles: true,
  authenticationProvider: true,
} as const;

export interface UpsertAccountOptions {
  tenantId: string;
  issuer: string;
  sub: string;
  email: string | null;
  name: string | null;
  /** The latest sign-in's ID token claims and userinfo response (plain JSON). */
  claims: Readonly<Record<string, unknown>>;
  lastLoginAt: Date;
  /** The ID token's `groups` (OP group ids), when it carried the claim; else the stored ones stay. */
  groups?: string[];
  /** The known RP roles of the ID token's `roles` claim, when it carried one; else the stored ones stay. */
  opRoles?: string[];
}

/**
 * Creates or refreshes the account (issuer, sub) **in this tenant**. Returns `null` when that
 * (issuer, sub) already lives in another tenant (the unique key is global, the lookup is
 * scoped), which the caller must refuse rather than silently move the account.
 */
export async function upsertAccountInTenant(db: Db, options: UpsertAccountOptions): Promise<AccountRecord | null> {
  const { tenantId, issuer, sub, email, name, lastLoginAt } = options;
  const claims = JSON.parse(JSON.stringify(options.claims)) as Prisma.InputJsonObject;
  const access = { ...(options.groups === undefined ? {} : { groups: options.groups }), ...(options.opRoles === undefined ? {} : { opRoles: options.opRoles }) };
  try {
    return await db.account.upsert({
      where: scopedToTenant(tenantId, { issuer_sub: { issuer, sub } }),
      create: { tenantId, issuer, sub, email, name, claims, lastLoginAt, ...access },
      update: { email, name, claims, lastLoginAt, ...access },
      select: accountSelect,
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

export interface FindAccountOptions {
  tenantId: string;
  accountId: string;
}

/** An account by id, only if it belongs to the tenant. */
export async function findAccountInTenant(db: Db, { tenantId, accountId }: FindAccountOptions): Promise<AccountRecord | null> {
  return db.account.findFirst({ where: scopedToTenant(tenantId, { id: accountId }), select: accountSelect });
}

/** The stored claims (`{ id_token, userinfo }` of the latest sign-in) of an account, only if it belongs to the tenant. */
export async function findAccountClaimsInTenant(db: Db, { tenantId, accountId }: FindAccountOptions): Promise<unknown> {
  const row = await db.account.findFirst({ where: scopedToTenant(tenantId, { id: accountId }), select: { claims: true } });
  return row?.claims ?? null;
}

/**
 * The claims `activate`/`maintain` provisioned for `(issuer, sub)` in this tenant
 * (`claims.provisioned`), so a sign-in can keep them; `undefined` when there are none.
 */
export async function findProvisionedClaims(db: Db, { tenantId, issuer, sub }: { tenantId: string; issuer: string; sub: string }): Promise<unknown> {
  const row = await db.account.findFirst({ where: scopedToTenant(tenantId, { issuer, sub }), select: { claims: true } });
  const claims = row?.claims;
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>)['provisioned'] : undefined;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
