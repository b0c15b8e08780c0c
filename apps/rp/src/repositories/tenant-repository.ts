import type { Db } from './db.js';

export interface TenantRecord {
  id: string;
  issuer: string;
  externalId: string;
  name: string;
}

const tenantSelect = { id: true, issuer: true, externalId: true, name: true } as const;

export interface UpsertTenantOptions {
  issuer: string;
  /** The ID token's `tenant` claim. */
  externalId: string;
  /** The ID token's `tenant_name` claim; the latest sign-in wins. */
  name: string;
}

/** Finds or creates the tenant bound to (issuer, externalId), refreshing its display name. */
export async function upsertTenant(db: Db, { issuer, externalId, name }: UpsertTenantOptions): Promise<TenantRecord> {
  return db.tenant.upsert({
    where: { issuer_externalId: { issuer, externalId } },
    create: { issuer, externalId, name },
    update: { name },
    select: tenantSelect,
  });
}

/** A tenant by its RP id. */
export async function findTenantById(db: Db, { tenantId }: { tenantId: string }): Promise<TenantRecord | null> {
  return db.tenant.findUnique({ where: { id: tenantId }, select: tenantSelect });
}
