import { CryptoError, decryptJwt, generateEncryptionKey, type EncryptionKeyPair } from '@oidc-ref/crypto';
import type { EncryptionKeyRepository } from '../repositories/encryption-key-repository.js';

/** The algorithm of the OP's own encryption key: clients encrypt id_token_hints to it. */
export const OP_ENCRYPTION_ALG = 'RSA-OAEP-256';

export interface EncryptionKeyService {
  /** Public halves (`use: enc`), for the JWKS. */
  publicJwks(): object[];
  /** Decrypts a compact JWE addressed to one of the OP's keys; returns its plaintext. */
  decrypt(jwe: string): Promise<string>;
  reload(): Promise<void>;
}

/**
 * The OP's encryption keys (OIDC Core §3.1.2.1: an RP may re-encrypt an id_token_hint to the
 * OP). One RSA-OAEP-256 key is created on first start; private halves never leave the OP.
 */
export function createEncryptionKeyService(repo: EncryptionKeyRepository): EncryptionKeyService {
  let keys: EncryptionKeyPair[] = [];
  return {
    publicJwks: () => keys.map((key) => ({ ...key.publicJwk })),
    async decrypt(jwe) {
      let kid: unknown;
      try {
        kid = JSON.parse(Buffer.from(jwe.split('.')[0] ?? '', 'base64url').toString('utf8')).kid;
      } catch {
        throw new CryptoError('ERR_JWT_MALFORMED', 'not a compact JWE');
      }
      const candidates = kid === undefined ? keys : keys.filter((key) => key.kid === kid);
      if (candidates.length === 0) throw new CryptoError('ERR_JWKS_NO_MATCHING_KEY', 'no OP encryption key matches');
      let last: unknown;
      for (const key of candidates) {
        try {
          return (await decryptJwt(jwe, key.privateJwk, { algorithms: [key.alg] })).plaintext;
        } catch (err) {
          last = err;
        }
      }
      throw last;
    },
    async reload() {
      await repo.ensureActive(OP_ENCRYPTION_ALG, () => generateEncryptionKey(OP_ENCRYPTION_ALG));
      keys = await repo.listActive();
    },
  };
}

/** Whether a compact serialization is a JWE (five parts) rather than a JWS (three). */
export function isCompactJwe(token: string): boolean {
  return token.split('.').length === 5;
}

