import type { EncryptionKeyPair } from '@oidc-ref/crypto';
import type { Db } from '../db/client.js';

// Serialises first-start key creation across OP processes (distinct from the signing-key lock).
const ENC_KEY_LOCK = 40_710_002;

export function encryptionKeyRepository(db: Db) {
  return {
    async listActive(): Promise<EncryptionKeyPair[]> {
      const rows = await db.encryptionKey.findMany({ where: { status: 'active' }, orderBy: { createdAt: 'desc' } });
      return rows.map((row) => ({
        kid: row.kid,
        alg: row.alg as EncryptionKeyPair['alg'],
        privateJwk: row.privateJwk as unknown as EncryptionKeyPair['privateJwk'],
        publicJwk: row.publicJwk as unknown as EncryptionKeyPair['publicJwk'],
      }));
    },
    /** One active key for `alg`, created with `generate` if none exists (safe across processes). */
    async ensureActive(alg: string, generate: () => Promise<EncryptionKeyPair>): Promise<void> {
      if ((await db.encryptionKey.count({ where: { alg, status: 'active' } })) > 0) return;
      const key = await generate();
      await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ENC_KEY_LOCK})`;
        if ((await tx.encryptionKey.count({ where: { alg, status: 'active' } })) > 0) return;
        await tx.encryptionKey.create({
          data: { kid: key.kid, alg: key.alg, status: 'active', privateJwk: key.privateJwk as object, publicJwk: key.publicJwk as object },
        });
      });
    },
  };
}
export type EncryptionKeyRepository = ReturnType<typeof encryptionKeyRepository>;
