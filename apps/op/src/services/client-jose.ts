import {
  HMAC_ALGS,
  JWE_ALGS,
  JWE_ENCS,
  SIGNING_ALGS,
  encryptJwt,
  isJweAlg,
  isJweEnc,
  isSigningAlg,
  selectEncryptionKey,
  signJwtWithSecret,
  type HmacAlg,
} from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { ClientKeys } from './client-keys.js';
import type { KeyService } from './keys.js';

/** JWS algorithms the OP signs responses with for a client: its own keys, or the client's secret (HS*). */
export const CLIENT_SIGNING_ALGS: readonly string[] = Object.freeze([...SIGNING_ALGS, ...HMAC_ALGS]);

/**
 * `id_token_signing_alg_values_supported`: RS256 (mandatory) first, then the OP's other keys,
 * HS* with the client secret, and `none` (pure code flow clients only, Registration §2).
 */
export const ID_TOKEN_SIGNING_ALGS: readonly string[] = Object.freeze([...CLIENT_SIGNING_ALGS, 'none']);

/** `userinfo_signing_alg_values_supported`: never `none`. */
export const USERINFO_SIGNING_ALGS: readonly string[] = CLIENT_SIGNING_ALGS;

/** `*_encryption_alg_values_supported` / `*_encryption_enc_values_supported` for ID tokens and UserInfo. */
export const CLIENT_ENCRYPTION_ALGS: readonly string[] = JWE_ALGS;
export const CLIENT_ENCRYPTION_ENCS: readonly string[] = JWE_ENCS;

/** The `*_encrypted_response_enc` default (OIDC Registration 1.0 §2). */
export const DEFAULT_ENC = 'A128CBC-HS256';

/** How many octets of client_secret each HS* alg needs: the hash size (RFC 7518 §3.2, OIDC Core §16.19). */
export const HMAC_MIN_SECRET_OCTETS: Readonly<Record<HmacAlg, number>> = { HS256: 32, HS384: 48, HS512: 64 };

const isHmacAlg = (alg: string): alg is HmacAlg => (HMAC_ALGS as readonly string[]).includes(alg);

/**
 * The OP could not sign or encrypt for a client as it registered (no usable key, unreachable
 * jwks_uri, secret too short). An internal error: the response is a 500 `server_error`, never
 * a weaker token.
 */
export class ClientJoseError extends Error {
  constructor(clientId: string, reason: string, options?: { cause?: unknown }) {
    super(`client ${clientId}: ${reason}`, options);
    this.name = 'ClientJoseError';
  }
}

/**
 * Signs `claims` with `alg` for `client`: the OP's active key for RS256/PS256/ES256/EdDSA, or
 * the client_secret octets for HS256/384/512 (confidential clients with a long enough secret
 * only, OIDC Core §10.1). `none` is not handled here. `typ` sets the JOSE header (e.g.
 * `logout+jwt` for Back-Channel Logout tokens).
 */
export async function signForClient(
  keys: Pick<KeyService, 'current'>,
  client: ClientRecord,
  alg: string,
  claims: Record<string, unknown>,
  options: { typ?: string } = {},
): Promise<string> {
  const typ = options.typ === undefined ? {} : { typ: options.typ };
  if (isSigningAlg(alg)) return keys.current().sign(claims, { alg, ...typ });
  if (isHmacAlg(alg)) {
    const secret = client.secret;
    if (client.tokenEndpointAuthMethod === 'none' || secret === null) {
      throw new ClientJoseError(client.id, `${alg} needs a confidential client with a secret`);
    }
    if (Buffer.byteLength(secret, 'utf8') < HMAC_MIN_SECRET_OCTETS[alg]) {
      throw new ClientJoseError(client.id, `the client secret is too short for ${alg}`);
    }
    return signJwtWithSecret(claims, secret, { alg, ...typ });
  }
  throw new ClientJoseError(client.id, `cannot sign with alg ${alg}`);
}

/**
 * Encrypts for `client` (OIDC Core §10.2): a compact JWS is nested (`cty: "JWT"`), an object is
 * encrypted as a bare claims set. The key is the client's `use: enc` (or use-less) key for the
 * alg's key type, from its `jwks` or `jwks_uri`.
 */
export async function encryptForClient(
  clientKeys: ClientKeys,
  client: ClientRecord,
  content: string | Record<string, unknown>,
  alg: string,
  enc: string = DEFAULT_ENC,
): Promise<string> {
  if (!isJweAlg(alg) || !isJweEnc(enc)) throw new ClientJoseError(client.id, `cannot encrypt with ${alg} / ${enc}`);
  try {
    const jwk = selectEncryptionKey(await clientKeys.jwksFor(client), alg);
    return await encryptJwt(content, jwk, { alg, enc });
  } catch (err) {
    throw new ClientJoseError(client.id, `encryption failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
