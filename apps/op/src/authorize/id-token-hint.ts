import { CryptoError, decodeJwtUnverified, verifyJwtWithSecret, type KeySet, type VerifyResult } from '@oidc-ref/crypto';
import { InvalidRequest } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';

/**
 * id_token_hint must be an ID token this OP issued (encrypted to the OP's key or not; signed
 * by one of our keys — or, for a
 * client that registered HS256/384/512 ID tokens, by its secret — and our `iss`) to this
 * client; an expired one is still a valid hint (OIDC Core §3.1.2.1). Returns its `sub`.
 */
export async function verifyIdTokenHint(
  hint: string,
  keys: KeySet,
  issuer: string,
  client: ClientRecord,
  decrypt?: (jwe: string) => Promise<string>,
): Promise<string> {
  return (await verifyIdTokenHintClaims(hint, keys, issuer, client, decrypt)).sub;
}

/**
 * {@link verifyIdTokenHint}, returning the verified claims too (end_session needs the `sid`).
 *
 * @throws InvalidRequest for a hint that is not an ID token this OP issued to `client`.
 */
export async function verifyIdTokenHintClaims(
  hint: string,
  keys: KeySet,
  issuer: string,
  client: ClientRecord,
  decrypt?: (jwe: string) => Promise<string>,
): Promise<{ sub: string; payload: Record<string, unknown> }> {
  try {
    // An RP may re-encrypt its ID token to the OP's own encryption key (OIDC Core §3.1.2.1).
    if (hint.split('.').length === 5) {
      if (!decrypt) throw new InvalidRequest('encrypted id_token_hints are not accepted');
      hint = await decrypt(hint);
    }
    const options = { issuer, allowExpired: true };
    const alg = decodeJwtUnverified(hint).header.alg;
    const hmac = typeof alg === 'string' && /^HS(256|384|512)$/.test(alg);
    let verified: VerifyResult;
    if (hmac) {
      if (!client.secret || !client.metadata.id_token_signed_response_alg.startsWith('HS')) {
        throw new InvalidRequest('id_token_hint is not an ID token issued by this provider to this client');
      }
      verified = await verifyJwtWithSecret(hint, client.secret, options);
    } else {
      verified = await keys.verify(hint, options);
    }
    const { payload } = verified;
    const aud = payload.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(client.id)) throw new InvalidRequest('id_token_hint was not issued to this client');
    if (typeof payload.sub !== 'string') throw new InvalidRequest('id_token_hint has no sub');
    return { sub: payload.sub, payload };
  } catch (err) {
    if (err instanceof CryptoError) throw new InvalidRequest('id_token_hint is not an ID token issued by this provider', err.code);
    throw err;
  }
}
