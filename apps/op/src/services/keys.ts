import { KeySet, generateSigningKey, type SigningAlg } from '@oidc-ref/crypto';
import type { SigningKeyRepository } from '../repositories/signing-key-repository.js';

/** The algorithm ID tokens are signed with (RS256 is mandatory to implement, OIDC Core §15.1). */
export const ID_TOKEN_ALG: SigningAlg = 'RS256';

export interface KeyService {
  /** The loaded key set: active keys sign, active and retired keys verify and are published. */
  current(): KeySet;
  /** Creates the first key if needed and (re)loads the set from the database. */
  reload(): Promise<KeySet>;
}

export function createKeyService(repo: SigningKeyRepository): KeyService {
  let keySet: KeySet | undefined;
  return {
    current() {
      if (!keySet) throw new Error('signing keys are not loaded: call reload() at start');
      return keySet;
    },
    async reload() {
      await repo.ensureActive(ID_TOKEN_ALG, () => generateSigningKey(ID_TOKEN_ALG));
      keySet = await KeySet.load(await repo.listPublished());
      return keySet;
    },
  };
}
