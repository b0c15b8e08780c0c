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
}

const select = { id: true, sub: true, state: true, email: true, name: true, claims: true, lastLoginAt: true } as const;

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
  options: AccountKey & { email: string | null; name: string | null; claims: unknown; now: Date },
): Promise<CommandAccountRecord | null> {
  const { tenantId, issuer, sub, email, name, claims, now } = options;
  try {
    return await db.account.create({ data: { tenantId, issuer, sub, email, name, claims: json(claims), state: 'active', lastLoginAt: now }, select });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
    throw error;
  }
}

/** Changes the state and/or claims of an account of `tenantId`. */
export async function updateCommandAccount(
  db: Db,
  { tenantId, accountId, ...change }: { tenantId: string; accountId: string; state?: string; email?: string | null; name?: string | null; claims?: unknown },
): Promise<CommandAccountRecord | null> {
  const { count } = await db.account.updateMany({
    where: scopedToTenant(tenantId, { id: accountId }),
    data: {
      ...(change.state === undefined ? {} : { state: change.state }),
      ...(change.email === undefined ? {} : { email: change.email }),
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.claims === undefined ? {} : { claims: json(change.claims) }),
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

/** One page of a tenant's accounts of `issuer`, by id, after `afterId` (keyset paging). */
export async function listCommandAccountsPage(
  db: Db,
  options: { tenantId: string; issuer: string; states?: readonly string[]; afterId?: string; take: number },
): Promise<CommandAccountRecord[]> {
  const { tenantId, issuer, states, afterId, take } = options;
  return db.account.findMany({
    where: scopedToTenant(tenantId, {
      issuer,
      ...(states === undefined ? {} : { state: { in: [...states] } }),
      ...(afterId === undefined ? {} : { id: { gt: afterId } }),
    }),
    orderBy: { id: 'asc' },
    take,
    select,
  });
}
