// Request objects (`request`, OIDC Core §6.1, §6.3; JAR RFC 9101): the pure checks around
// signature verification. Verification itself is in services/request-object.ts.
import { InvalidRequest, InvalidRequestObject } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { RawParams } from './params.js';
import { normaliseResponseType } from './response-type.js';

/** Asymmetric algorithms verified with the client's JWKS. */
export const REQUEST_OBJECT_ASYMMETRIC_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
/** Symmetric algorithms verified with the client_secret octets (OIDC Core §10.1). */
export const REQUEST_OBJECT_HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;
/** Advertised as `request_object_signing_alg_values_supported`; `none` is never accepted. */
export const REQUEST_OBJECT_SIGNING_ALGS: readonly string[] = [...REQUEST_OBJECT_ASYMMETRIC_ALGS, ...REQUEST_OBJECT_HMAC_ALGS];

/** JWT registered claims: they describe the object, they are not authorization parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti']);

export function isHmacAlg(alg: string): boolean {
  return (REQUEST_OBJECT_HMAC_ALGS as readonly string[]).includes(alg);
}

/** A signed (JWS, three parts) object; an encrypted one (JWE, five parts) is not supported. */
export function checkRequestObjectFormat(jwt: string): void {
  const parts = jwt.split('.').length;
  if (parts === 5) throw new InvalidRequestObject('encrypted request objects are not supported');
  if (parts !== 3) throw new InvalidRequestObject('the request object is not a compact JWS');
}

/**
 * The header's `alg`: never `none` (unsigned objects add nothing over plain parameters), equal
 * to the client's registered `request_object_signing_alg` when there is one, one this OP
 * verifies, and HS* only for a client that has a secret.
 */
export function checkRequestObjectAlg(header: Record<string, unknown>, client: ClientRecord): string {
  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') throw new InvalidRequestObject('the request object has no alg');
  if (alg.toLowerCase() === 'none') throw new InvalidRequestObject('unsigned request objects (alg none) are not accepted');
  const registered = client.metadata.request_object_signing_alg;
  if (registered !== undefined && alg !== registered) {
    throw new InvalidRequestObject(`the request object must be signed with ${registered}, the client's registered algorithm`);
  }
  if (!REQUEST_OBJECT_SIGNING_ALGS.includes(alg)) throw new InvalidRequestObject(`unsupported request object alg: ${alg}`);
  if (isHmacAlg(alg) && !client.secret) throw new InvalidRequestObject(`${alg} needs a client secret; this client has none`);
  return alg;
}

/**
 * The verified object's claims (OIDC Core §6.1, JAR §4–§6): `iss` is the client, `aud` is
 * exactly the issuer string, no nested `request`/`request_uri`, and any inner `client_id` /
 * `response_type` equal the outer ones, which are required (§6.1).
 */
export function checkRequestObjectClaims(
  payload: Record<string, unknown>,
  context: { clientId: string; issuer: string; outer: RawParams },
): void {
  if (payload.request !== undefined || payload.request_uri !== undefined) {
    throw new InvalidRequestObject('a request object must not contain request or request_uri');
  }
  if (payload.iss !== context.clientId) throw new InvalidRequestObject('the request object iss must be the client_id');
  if (payload.aud !== context.issuer) throw new InvalidRequestObject('the request object aud must be the issuer identifier');
  if (payload.client_id !== undefined && payload.client_id !== context.clientId) {
    throw new InvalidRequestObject('client_id in the request object differs from the client_id parameter');
  }
  const outerType = context.outer.values.response_type;
  if (outerType === undefined) throw new InvalidRequest('response_type is required alongside a request object');
  if (
    payload.response_type !== undefined &&
    (typeof payload.response_type !== 'string' || normaliseResponseType(payload.response_type) !== normaliseResponseType(outerType))
  ) {
    throw new InvalidRequestObject('response_type in the request object differs from the response_type parameter');
  }
}

/**
 * The authorization parameters of a request object (JAR): the object's members only, except
 * that `client_id`, `response_type` and `scope` sent outside it (OIDC Core §6.1 requires them
 * there) are used when the object leaves them out. Strings are taken as they are, numbers
 * (e.g. `max_age`) as decimal strings and objects (`claims`) as JSON.
 */
export function requestObjectParams(payload: Record<string, unknown>, outer: RawParams): RawParams {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    // JWT claims are not parameters; a null member counts as absent, like an empty parameter.
    if (JWT_CLAIMS.has(name) || value === null || value === undefined) continue;
    if (typeof value === 'string') {
      if (value !== '') values[name] = value;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      values[name] = String(value);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      values[name] = JSON.stringify(value);
    } else {
      throw new InvalidRequestObject(`request object member ${name} has an unsupported type`);
    }
  }
  for (const name of ['client_id', 'response_type', 'scope']) {
    const fallback = outer.values[name];
    if (values[name] === undefined && fallback !== undefined) values[name] = fallback;
  }
  return { values, duplicates: [] };
}
