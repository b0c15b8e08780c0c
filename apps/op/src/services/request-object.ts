import { CryptoError, decodeJwtUnverified, verifyJwtWithJwks, verifyJwtWithSecret } from '@oidc-ref/crypto';
import {
  checkRequestObjectAlg,
  checkRequestObjectClaims,
  checkRequestObjectFormat,
  isHmacAlg,
  requestObjectParams,
} from '../authorize/request-object-checks.js';
import type { RawParams } from '../authorize/params.js';
import { InvalidRequestObject } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { ClientKeysError, type ClientKeys } from './client-keys.js';

/** Leeway for the object's `exp` and `nbf` against the OP's clock. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface RequestObjectOptions {
  clientKeys: ClientKeys;
  issuer: string;
  now: Date;
}

function describe(code: CryptoError['code']): string {
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the request object has expired';
    case 'ERR_JWS_SIGNATURE_INVALID':
      return 'the request object signature is invalid';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no registered key of the client matches the request object';
    case 'ERR_JWT_CLAIM_INVALID':
      return 'the request object has an invalid claim';
    case 'ERR_JWT_MALFORMED':
      return 'the request object is malformed';
    default:
      return 'the request object could not be verified';
  }
}

/**
 * Verifies a request object's signature with the client's registered keys (`jwks` or
 * `jwks_uri`) or, for HS256/384/512, its client_secret (OIDC Core §6.3.2, §10.1), and its
 * `exp`/`nbf` when present. Every failure is `invalid_request_object`.
 */
export async function verifyRequestObjectSignature(
  jwt: string,
  client: ClientRecord,
  options: RequestObjectOptions,
): Promise<Record<string, unknown>> {
  checkRequestObjectFormat(jwt);
  let header: Record<string, unknown>;
  try {
    ({ header } = decodeJwtUnverified(jwt));
  } catch (err) {
    throw new InvalidRequestObject('the request object is not a valid JWT', err instanceof CryptoError ? err.code : undefined);
  }
  const alg = checkRequestObjectAlg(header, client);
  const verifyOptions = { algorithms: [alg], currentDate: options.now, clockToleranceSec: CLOCK_TOLERANCE_SECONDS };
  try {
    if (isHmacAlg(alg)) return (await verifyJwtWithSecret(jwt, client.secret ?? '', verifyOptions)).payload;
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const jwks = await options.clientKeys.jwksFor(client, kid);
    return (await verifyJwtWithJwks(jwt, jwks, verifyOptions)).payload;
  } catch (err) {
    if (err instanceof CryptoError) throw new InvalidRequestObject(describe(err.code), err.code);
    if (err instanceof ClientKeysError) throw new InvalidRequestObject('the client keys could not be obtained', err.message);
    throw err;
  }
}

/**
 * The effective parameters of a request that carries a request object (`request`): the object
 * is verified, its claims checked, and its members replace the outer parameters (JAR).
 *
 * @example
 * ```ts
 * const raw = await resolveRequestObject(outer, client, { clientKeys, issuer, now });
 * ```
 */
export async function resolveRequestObject(outer: RawParams, client: ClientRecord, options: RequestObjectOptions): Promise<RawParams> {
  const jwt = outer.values.request;
  if (jwt === undefined) return outer;
  const payload = await verifyRequestObjectSignature(jwt, client, options);
  checkRequestObjectClaims(payload, { clientId: client.id, issuer: options.issuer, outer });
  return requestObjectParams(payload, outer);
}
