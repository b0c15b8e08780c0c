import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

export interface TenantRecord {
  id: string;
  issuer: string;
  externalId: string;
  name: string;
  /** The tenant's own step-up policy as stored (unvalidated JSON), or `null` for the RP default. */
  stepUpPolicy: unknown;
}

const tenantSelect = { id: true, issuer: true, externalId: true, name: true, stepUpPolicy: true } as const;

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

export interface SetTenantStepUpPolicyOptions {
  tenantId: string;
  /** A policy validated by the caller (`parseStepUpPolicy`), or `null` to fall back to the RP default. */
  policy: Readonly<Record<string, unknown>> | null;
}

/** Stores (or clears, with `null`) a tenant's own step-up policy. */
export async function setTenantStepUpPolicy(db: Db, { tenantId, policy }: SetTenantStepUpPolicyOptions): Promise<void> {
  await db.tenant.update({
    where: { id: tenantId },
    data: { stepUpPolicy: policy === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(policy)) as Prisma.InputJsonObject) },
    select: { id: true },
  });
}

/**
 * The RP tenant bound to `(issuer, externalId)`, created on first sight (a provisioning command
 * may arrive before anyone of the tenant has signed in). An existing tenant keeps its name.
 */
export async function findOrCreateTenant(db: Db, { issuer, externalId }: { issuer: string; externalId: string }): Promise<TenantRecord> {
  return db.tenant.upsert({
    where: { issuer_externalId: { issuer, externalId } },
    create: { issuer, externalId, name: externalId },
    update: {},
    select: tenantSelect,
  });
}

/** Replaces the OP metadata of the latest `metadata` command. */
export async function setTenantOpMetadata(db: Db, { tenantId, metadata }: { tenantId: string; metadata: Readonly<Record<string, unknown>> }): Promise<void> {
  await db.tenant.update({
    where: { id: tenantId },
    data: { opMetadata: JSON.parse(JSON.stringify(metadata)) as Prisma.InputJsonObject },
    select: { id: true },
  });
}

/** The OP metadata of the latest `metadata` command, or `null`. */
export async function findTenantOpMetadata(db: Db, { tenantId }: { tenantId: string }): Promise<unknown> {
  const row = await db.tenant.findUnique({ where: { id: tenantId }, select: { opMetadata: true } });
  return row?.opMetadata ?? null;
}

/** What the command endpoint and the account page need of a tenant: its OP metadata and role mapping (unvalidated JSON). */
export interface TenantCommandSettings {
  opMetadata: unknown;
  roleMapping: unknown;
}

/** The tenant's stored OP metadata and role mapping, or `null` for an unknown tenant. */
export async function findTenantCommandSettings(db: Db, { tenantId }: { tenantId: string }): Promise<TenantCommandSettings | null> {
  return db.tenant.findUnique({ where: { id: tenantId }, select: { opMetadata: true, roleMapping: true } });
}

/** Stores (or clears, with `null`, back to the default) a tenant's OP group → RP role mapping, validated by the caller. */
export async function setTenantRoleMapping(db: Db, { tenantId, mapping }: { tenantId: string; mapping: Readonly<Record<string, readonly string[]>> | null }): Promise<void> {
  await db.tenant.update({
    where: { id: tenantId },
    data: { roleMapping: mapping === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(mapping)) as Prisma.InputJsonObject) },
    select: { id: true },
  });
}

/** A tenant by `(issuer, externalId)`, or `null`. */
export async function findTenantByExternalId(db: Db, { issuer, externalId }: { issuer: string; externalId: string }): Promise<TenantRecord | null> {
  return db.tenant.findUnique({ where: { issuer_externalId: { issuer, externalId } }, select: tenantSelect });
}
