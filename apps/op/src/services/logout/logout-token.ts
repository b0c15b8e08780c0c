import { randomUUID } from 'node:crypto';
import type { ClientRecord } from '../../repositories/client-repository.js';
import { encryptForClient, signForClient } from '../client-jose.js';
import type { ClientKeys } from '../client-keys.js';
import { ID_TOKEN_ALG, type KeyService } from '../keys.js';

/** The `events` member that makes a JWT a Logout Token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** The JOSE `typ` header of every Logout Token (§2.4, media type `application/logout+jwt`). */
export const LOGOUT_TOKEN_TYP = 'logout+jwt';
/** `exp - iat` of a Logout Token: two minutes, as §4 encourages. */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;

export interface LogoutTokenClaimsInput {
  issuer: string;
  clientId: string;
  /** The user's `sub` as this client knows it (the OP issues public subject identifiers). */
  sub: string;
  /** The OP session's `sid`, as in the session's ID tokens. */
  sid?: string;
  now: Date;
  jti?: string;
}

/**
 * The claims of a Logout Token (§2.4): `iss`, `aud` = the client_id, `iat`, `exp` = iat + 120,
 * a fresh `jti`, `events` with the back-channel-logout member (an empty object), `sub`, and
 * `sid` when the logout is of one session. Never `nonce`.
 *
 * @example
 * logoutTokenClaims({ issuer, clientId: 'rp', sub: user.id, sid: session.id, now: new Date() });
 */
export function logoutTokenClaims(input: LogoutTokenClaimsInput): Record<string, unknown> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return {
    iss: input.issuer,
    aud: input.clientId,
    iat,
    exp: iat + LOGOUT_TOKEN_TTL_SECONDS,
    jti: input.jti ?? randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sub: input.sub,
    ...(input.sid !== undefined && { sid: input.sid }),
  };
}

export interface MintLogoutTokenDeps {
  keys: Pick<KeyService, 'current'>;
  /** Needed only for clients that registered ID token encryption. */
  clientKeys?: ClientKeys;
}

/**
 * Mints a Logout Token for `client`, signed and (when registered) encrypted exactly as its ID
 * tokens: `id_token_signed_response_alg` (default RS256; HS* with its secret), never `none`
 * (a client with unsigned ID tokens gets RS256), header `typ: logout+jwt`; then
 * `id_token_encrypted_response_alg`/`_enc` as a nested JWT (§2.4, §2.6).
 *
 * @throws ClientJoseError when the token cannot be produced as the client registered.
 */
export async function mintLogoutToken(
  deps: MintLogoutTokenDeps,
  input: { issuer: string; client: ClientRecord; sub: string; sid?: string; now: Date },
): Promise<string> {
  const { metadata } = input.client;
  const registered = metadata.id_token_signed_response_alg;
  const alg = registered === 'none' ? ID_TOKEN_ALG : registered;
  const claims = logoutTokenClaims({
    issuer: input.issuer,
    clientId: input.client.id,
    sub: input.sub,
    ...(input.sid !== undefined && { sid: input.sid }),
    now: input.now,
  });
  const jws = await signForClient(deps.keys, input.client, alg, claims, { typ: LOGOUT_TOKEN_TYP });
  const encAlg = metadata.id_token_encrypted_response_alg;
  if (encAlg === undefined) return jws;
  if (!deps.clientKeys) throw new Error(`client ${input.client.id}: no client key source to encrypt its logout token`);
  return encryptForClient(deps.clientKeys, input.client, jws, encAlg, metadata.id_token_encrypted_response_enc);
}
