import type { StoredSigningKey } from '@oidc-ref/crypto';
import type { Db } from '../db/client.js';

// Any fixed number: serialises first-start key creation across OP processes.
const KEY_LOCK = 40_710_001;

export function signingKeyRepository(db: Db) {
  return {
    /** Active and retired keys: everything that is published and may verify. */
    async listPublished(): Promise<StoredSigningKey[]> {
      const rows = await db.signingKey.findMany({
        where: { status: { in: ['active', 'retired'] } },
        orderBy: { createdAt: 'desc' },
      });
      return rows.map((row) => ({
        kid: row.kid,
        alg: row.alg as StoredSigningKey['alg'],
        status: row.status as StoredSigningKey['status'],
        privateJwk: row.privateJwk as unknown as StoredSigningKey['privateJwk'],
        publicJwk: row.publicJwk as unknown as StoredSigningKey['publicJwk'],
      }));
    },
    /**
     * Makes sure one active key exists for `alg`, creating it with `generate` if none does.
     * Safe when several OP processes start at once.
     */
    async ensureActive(alg: string, generate: () => Promise<StoredSigningKey>): Promise<void> {
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
            privateJwk: key.privateJwk as object,
            publicJwk: key.publicJwk as object,
          },
        });
      });
    },
  };
}
export type SigningKeyRepository = ReturnType<typeof signingKeyRepository>;
