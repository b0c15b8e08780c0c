import { tokenHash } from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { UserRecord } from '../repositories/user-repository.js';
import type { ClientKeys } from './client-keys.js';
import { ID_TOKEN_ALG, type KeyService } from './keys.js';
import { tenantClaims } from './user-claims.js';

export interface IdTokenInput {
  issuer: string;
  user: UserRecord;
  client: ClientRecord;
  nonce: string | null;
  authTime: Date;
  acr: string;
  amr: string[];
  /** The OP session (`sid`), when the token comes from one. */
  sid?: string;
  now: Date;
  ttlSeconds: number;
  /**
   * Claims released beyond the protocol ones: scope claims when no access token is issued
   * (OIDC Core §5.4), and claims requested with the `claims` parameter (§5.5).
   */
  extraClaims?: Record<string, unknown>;
  /** Values bound into the token: `at_hash`, `c_hash`, `s_hash` (hash from the token's alg). */
  hashes?: { accessToken?: string; code?: string; state?: string };
  /** Issued at the token endpoint of a code flow: the only case where `alg: none` is allowed. */
  fromTokenEndpoint?: boolean;
}

export interface IdTokenDeps {
  keys: KeyService;
  clientKeys: ClientKeys;
}

/**
 * Mints an ID token (OIDC Core §2) for `input.client`. Claims without a value are left out,
 * never null.
 */
export function mintIdToken(deps: IdTokenDeps, input: IdTokenInput): Promise<string> {
  const alg = ID_TOKEN_ALG;
  const iat = Math.floor(input.now.getTime() / 1000);
  const claims: Record<string, unknown> = {
    ...input.extraClaims,
    iss: input.issuer,
    sub: input.user.id,
    aud: input.client.id,
    exp: iat + input.ttlSeconds,
    iat,
    auth_time: Math.floor(input.authTime.getTime() / 1000),
    acr: input.acr,
    amr: input.amr,
    ...tenantClaims(input.user),
  };
  if (input.sid !== undefined) claims.sid = input.sid;
  if (input.nonce !== null) claims.nonce = input.nonce;
  if (input.hashes?.accessToken !== undefined) claims.at_hash = tokenHash(input.hashes.accessToken, alg);
  if (input.hashes?.code !== undefined) claims.c_hash = tokenHash(input.hashes.code, alg);
  if (input.hashes?.state !== undefined) claims.s_hash = tokenHash(input.hashes.state, alg);
  return deps.keys.current().sign(claims, { alg });
}
