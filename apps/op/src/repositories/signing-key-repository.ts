import type { KeyStatus, SigningAlg, StoredSigningKey } from '@oidc-ref/crypto';
import type { Db } from '../db/client.js';

// Any fixed number: serialises key creation and rotation across OP processes.
const KEY_LOCK = 40_710_001;

/** A key's lifecycle facts, without key material: for operators and the rotation CLI. */
export interface SigningKeySummary {
  kid: string;
  alg: string;
  status: string;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

export type PromoteOutcome =
  | { outcome: 'promoted'; kid: string; retired: string[] }
  | { outcome: 'none-staged' }
  | { outcome: 'too-young'; kid: string; stagedAt: Date };

const summary = { kid: true, alg: true, status: true, createdAt: true, activatedAt: true, retiredAt: true } as const;

export function signingKeyRepository(db: Db) {
  return {
    /** Staged, active and retired keys, newest first: everything that is published and may verify. */
    async listPublished(): Promise<StoredSigningKey[]> {
      const rows = await db.signingKey.findMany({
        where: { status: { in: ['staged', 'active', 'retired'] } },
        orderBy: [{ createdAt: 'desc' }, { kid: 'asc' }],
      });
      return rows.map((row) => ({
        kid: row.kid,
        alg: row.alg as StoredSigningKey['alg'],
        status: row.status as StoredSigningKey['status'],
        privateJwk: row.privateJwk as unknown as StoredSigningKey['privateJwk'],
        publicJwk: row.publicJwk as unknown as StoredSigningKey['publicJwk'],
      }));
    },
    /** Every key's lifecycle facts, oldest first; no key material. */
    async listSummaries(): Promise<SigningKeySummary[]> {
      return db.signingKey.findMany({ select: summary, orderBy: [{ createdAt: 'asc' }, { kid: 'asc' }] });
    },
    /** `kid:status` of every key, in a stable order: tells a process whether its set is stale. */
    async fingerprint(): Promise<string> {
      const rows = await db.signingKey.findMany({ select: { kid: true, status: true }, orderBy: { kid: 'asc' } });
      return rows.map((row) => `${row.kid}:${row.status}`).join(',');
    },
    /**
     * Makes sure one active key exists for `alg`, creating it with `generate` if none does.
     * Safe when several OP processes start at once; generates nothing when a key exists.
     */
    async ensureActive(alg: SigningAlg, generate: () => Promise<StoredSigningKey>, now: Date): Promise<void> {
      if ((await db.signingKey.count({ where: { alg, status: 'active' } })) > 0) return;
      const key = await generate();
      await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK})`;
        const existing = await tx.signingKey.count({ where: { alg, status: 'active' } });
        if (existing > 0) return;
        await tx.signingKey.create({
          data: {
            kid: key.kid,
            alg: key.alg,
            status: 'active',
            activatedAt: now,
            privateJwk: key.privateJwk as object,
            publicJwk: key.publicJwk as object,
            createdAt: now,
          },
        });
      });
    },
    /** Stores a new key as `staged`: published from the next reload, signing nothing yet. */
    async insertStaged(key: StoredSigningKey, now: Date): Promise<void> {
      const status: KeyStatus = 'staged';
      await db.signingKey.create({
        data: {
          kid: key.kid,
          alg: key.alg,
          status,
          privateJwk: key.privateJwk as object,
          publicJwk: key.publicJwk as object,
          createdAt: now,
        },
      });
    },
    /**
     * Promotes the oldest staged key of `alg` to active, if it was staged at or before
     * `stagedBefore`; the alg's previous active keys become retired. One transaction, under the
     * rotation lock.
     */
    async promoteOldestStaged(alg: SigningAlg, now: Date, stagedBefore: Date): Promise<PromoteOutcome> {
      return db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK})`;
        const staged = await tx.signingKey.findFirst({
          where: { alg, status: 'staged' },
          orderBy: [{ createdAt: 'asc' }, { kid: 'asc' }],
          select: { kid: true, createdAt: true },
        });
        if (!staged) return { outcome: 'none-staged' } as const;
        if (staged.createdAt > stagedBefore) return { outcome: 'too-young', kid: staged.kid, stagedAt: staged.createdAt } as const;
        const previous = await tx.signingKey.findMany({ where: { alg, status: 'active' }, select: { kid: true } });
        await tx.signingKey.updateMany({ where: { alg, status: 'active' }, data: { status: 'retired', retiredAt: now } });
        await tx.signingKey.update({ where: { kid: staged.kid }, data: { status: 'active', activatedAt: now } });
        return { outcome: 'promoted', kid: staged.kid, retired: previous.map((row) => row.kid) } as const;
      });
    },
    /** Deletes retired keys retired before `cutoff` (or, with no retirement date, created before it). */
    async deleteRetiredBefore(cutoff: Date): Promise<string[]> {
      return db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK})`;
        const where = {
          status: 'retired',
          OR: [{ retiredAt: { lt: cutoff } }, { retiredAt: null, createdAt: { lt: cutoff } }],
        };
        const rows = await tx.signingKey.findMany({ where, select: { kid: true } });
        await tx.signingKey.deleteMany({ where: { kid: { in: rows.map((row) => row.kid) } } });
        return rows.map((row) => row.kid);
      });
    },
  };
}
export type SigningKeyRepository = ReturnType<typeof signingKeyRepository>;
