import { encodeUnsecuredJwt, tokenHash } from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { UserRecord } from '../repositories/user-repository.js';
import { ClientJoseError, encryptForClient, signForClient } from './client-jose.js';
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

/** Response types that return an ID token from the authorization endpoint. */
const returnsIdTokenFromAuthorize = (responseType: string) => responseType.split(' ').includes('id_token');

/**
 * `alg: none` only for a client that registered it, at the token endpoint of a code flow, and
 * never for a client that may receive ID tokens from the authorization endpoint (OIDC Core §2,
 * Registration §2). Registration makes the other cases impossible; this is the last guard.
 */
function assertUnsecuredAllowed(input: IdTokenInput): void {
  if (input.fromTokenEndpoint !== true) {
    throw new ClientJoseError(input.client.id, 'refusing an unsigned ID token outside the token endpoint');
  }
  if (input.client.responseTypes.some(returnsIdTokenFromAuthorize)) {
    throw new ClientJoseError(input.client.id, 'refusing an unsigned ID token: the client may use an implicit or hybrid flow');
  }
}

/**
 * Mints an ID token (OIDC Core §2) for `input.client`: signed with the client's
 * `id_token_signed_response_alg` (default RS256; HS* with its secret; `none` only from the
 * token endpoint of a pure code client), then, when it registered
 * `id_token_encrypted_response_alg`, encrypted to its key as a nested JWT (§10.2, §16.14).
 * Claims without a value are left out, never null.
 *
 * @throws {@link ClientJoseError} when the token cannot be produced as the client registered.
 */
export async function mintIdToken(deps: IdTokenDeps, input: IdTokenInput): Promise<string> {
  const { metadata } = input.client;
  const alg = metadata.id_token_signed_response_alg ?? ID_TOKEN_ALG;
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

  let jws: string;
  if (alg === 'none') {
    // No hash is defined for `none`; at_hash is optional at the token endpoint (§3.1.3.6).
    assertUnsecuredAllowed(input);
    jws = encodeUnsecuredJwt(claims);
  } else {
    if (input.hashes?.accessToken !== undefined) claims.at_hash = tokenHash(input.hashes.accessToken, alg);
    if (input.hashes?.code !== undefined) claims.c_hash = tokenHash(input.hashes.code, alg);
    if (input.hashes?.state !== undefined) claims.s_hash = tokenHash(input.hashes.state, alg);
    jws = await signForClient(deps.keys, input.client, alg, claims);
  }

  const encAlg = metadata.id_token_encrypted_response_alg;
  if (encAlg === undefined) return jws;
  return encryptForClient(deps.clientKeys, input.client, jws, encAlg, metadata.id_token_encrypted_response_enc);
}
