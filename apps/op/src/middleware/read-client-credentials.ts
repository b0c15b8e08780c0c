import { CryptoError, decodeJwtUnverified } from '@oidc-ref/crypto';
import { InvalidClient, InvalidRequest } from '../errors.js';
import type { TokenForm } from '../routes/token-form.js';

/** RFC 7523 §2.2: the only client assertion type this OP accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** `token_endpoint_auth_methods_supported`: every method of OIDC Core §9. */
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly string[] = Object.freeze([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
]);

/** What the client presented, before anything is checked against its registration. */
export type ClientCredentials =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; clientSecret: string }
  | {
      method: 'client_secret_jwt' | 'private_key_jwt';
      clientId: string;
      assertion: string;
      /** The assertion's JWS header, unverified. */
      alg: string;
      kid?: string;
    }
  | { method: 'none'; clientId: string };

/** Every failure answers the same; the reason goes to the log only (`detail`). */
export const authenticationFailed = (reason: string, clientId?: string) =>
  new InvalidClient('client authentication failed', { reason, ...(clientId !== undefined && { clientId }) });

const BASIC = /^basic(?:\s|$)/i;

/** RFC 6749 Appendix B: `application/x-www-form-urlencoded` decoding of Basic credentials. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function readBasic(header: string): ClientCredentials {
  const decoded = Buffer.from(header.replace(BASIC, '').trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw authenticationFailed('malformed Basic credentials');
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (clientId === '') throw authenticationFailed('empty client id in Basic credentials');
    return { method: 'client_secret_basic', clientId, clientSecret };
  } catch (err) {
    if (err instanceof InvalidClient) throw err;
    throw authenticationFailed('malformed Basic credentials');
  }
}

function readAssertion(form: TokenForm): ClientCredentials {
  if (form.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) throw authenticationFailed('wrong or missing client_assertion_type');
  const assertion = form.client_assertion;
  if (assertion === undefined) throw authenticationFailed('client_assertion is missing');
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    ({ header, payload } = decodeJwtUnverified(assertion));
  } catch (err) {
    if (err instanceof CryptoError) throw authenticationFailed('client_assertion is not a JWT');
    throw err;
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || alg === '' || alg.toLowerCase() === 'none') throw authenticationFailed('client_assertion is not signed');
  if (kid !== undefined && typeof kid !== 'string') throw authenticationFailed('client_assertion kid is not a string');
  const clientId = form.client_id ?? (typeof payload.sub === 'string' ? payload.sub : undefined);
  if (clientId === undefined || clientId === '') throw authenticationFailed('client_assertion names no client');
  return {
    method: /^HS/.test(alg) ? 'client_secret_jwt' : 'private_key_jwt',
    clientId,
    assertion,
    alg,
    ...(kid !== undefined && { kid }),
  };
}

/**
 * Reads the one set of client credentials a token request carries (OIDC Core §9, RFC 6749
 * §2.3): HTTP Basic (id and secret form-urlencoded before base64, so a `:` survives), a
 * `client_secret` in the body, a JWT `client_assertion` (HS* → client_secret_jwt, else
 * private_key_jwt), or only a `client_id` (a public client, `none`). More than one method is
 * `invalid_request`; none at all, or malformed credentials, are `invalid_client`.
 */
export function readClientCredentials(authorization: string | undefined, form: TokenForm): ClientCredentials {
  const basic = authorization !== undefined && BASIC.test(authorization);
  const post = form.client_secret !== undefined;
  const jwt = form.client_assertion !== undefined || form.client_assertion_type !== undefined;
  if (Number(basic) + Number(post) + Number(jwt) > 1) {
    throw new InvalidRequest('the client must authenticate with exactly one method');
  }
  if (basic) return readBasic(authorization);
  if (jwt) return readAssertion(form);
  if (form.client_id === undefined) {
    if (post) throw authenticationFailed('client_secret without client_id');
    throw new InvalidClient('client authentication is required');
  }
  if (post) return { method: 'client_secret_post', clientId: form.client_id, clientSecret: form.client_secret! };
  return { method: 'none', clientId: form.client_id };
}
