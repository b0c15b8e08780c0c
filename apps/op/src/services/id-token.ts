import { tokenHash, type KeySet } from '@oidc-ref/crypto';
import type { UserRecord } from '../repositories/user-repository.js';
import { ID_TOKEN_ALG } from './keys.js';
import { tenantClaims } from './user-claims.js';

export interface IdTokenInput {
  issuer: string;
  user: UserRecord;
  clientId: string;
  nonce: string | null;
  authTime: Date;
  acr: string;
  amr: string[];
  sid: string;
  accessToken?: string;
  now: Date;
  ttlSeconds: number;
}

/** Signs an ID token (OIDC Core §2). Claims without a value are left out, never null. */
export function mintIdToken(keys: KeySet, input: IdTokenInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.user.id,
    aud: input.clientId,
    exp: iat + input.ttlSeconds,
    iat,
    auth_time: Math.floor(input.authTime.getTime() / 1000),
    acr: input.acr,
    amr: input.amr,
    sid: input.sid,
    ...tenantClaims(input.user),
  };
  if (input.nonce !== null) claims.nonce = input.nonce;
  if (input.accessToken !== undefined) claims.at_hash = tokenHash(input.accessToken, ID_TOKEN_ALG);
  return keys.sign(claims, { alg: ID_TOKEN_ALG });
}
