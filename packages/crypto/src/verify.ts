import type { CryptoKey, JSONWebKeySet } from 'jose';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';

import { constants, KeyObject, verify as nodeVerify } from 'node:crypto';

import { isForbiddenAlg } from './algorithms.js';
import { validateClaims } from './claims.js';
import { CryptoError, toCryptoError } from './errors.js';

/**
 * How a JWT is checked after its signature. Every check is opt-in except the signature, the
 * algorithm allow-list and `exp`/`nbf` (when present); pass `requiredClaims` to insist on
 * claims such as `exp` or `iat` being present.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = {
 *   issuer: 'https://op.example.com/t/acme',
 *   audience: 'rp-client',
 *   requiredClaims: ['sub', 'exp', 'iat'],
 *   clockToleranceSec: 5,
 * };
 * ```
 */
export interface VerifyOptions {
  /** Expected `iss`, compared exactly. The claim must be present when this is set. */
  issuer?: string;
  /** Accepted audience(s); `aud` (string or array) must contain at least one. */
  audience?: string | string[];
  /**
   * Accepted JWS `alg` values. Defaults to the algorithms of the keys being verified against.
   * `none` and `HS*` are removed from this list: they are never accepted.
   */
  algorithms?: string[];
  /** Expected JOSE `typ` header, e.g. `logout+jwt`; compared case-insensitively, `application/` optional. */
  typ?: string;
  /** Leeway for `exp` and `nbf`, in seconds. Default 0. */
  clockToleranceSec?: number;
  /** The time to check against. Default: now. */
  currentDate?: Date;
  /**
   * Skip the `exp` comparison (its type is still checked). For `id_token_hint`: the signature,
   * `iss` and any other requested checks still apply.
   */
  allowExpired?: boolean;
  /** Claims that must be present, e.g. `['sub', 'exp', 'iat']`. */
  requiredClaims?: string[];
}

/**
 * The protected header of a verified token, reduced to the members callers may rely on.
 *
 * @example
 * ```ts
 * const { header }: VerifyResult = await keys.verify(token, { issuer });
 * header.kid; // the key that verified it
 * ```
 */
export interface VerifiedHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

/**
 * A verified JWT.
 *
 * @example
 * ```ts
 * const { payload, header }: VerifyResult = await verifyJwtWithJwks(token, jwks, { issuer, audience });
 * ```
 */
export interface VerifyResult {
  payload: Record<string, unknown>;
  header: VerifiedHeader;
}

/**
 * A JWKS as fetched from a `jwks_uri`.
 *
 * @example
 * ```ts
 * const jwks = (await (await fetch(metadata.jwks_uri)).json()) as JsonWebKeySet;
 * ```
 */
export interface JsonWebKeySet {
  keys: object[];
}

/** Picks the key for a token's header, or throws `ERR_JWKS_NO_MATCHING_KEY`. Internal. */
export type KeyResolver = (header: { alg: string; kid?: string }) => CryptoKey | Promise<CryptoKey>;

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_JWT_MALFORMED', message, { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readHeader(token: string): Record<string, unknown> {
  if (typeof token !== 'string' || token.split('.').length !== 3) throw malformed('not a compact JWS');
  try {
    return decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (err) {
    throw malformed('invalid JWS protected header', err);
  }
}

function parsePayload(bytes: Uint8Array): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw malformed('JWT payload is not JSON', err);
  }
  if (!isRecord(payload)) throw malformed('JWT payload must be a JSON object');
  return payload;
}

/** How `node:crypto` checks each JWS algorithm, and what the imported WebCrypto key must be for it. */
const NODE_VERIFY: Readonly<Record<string, { hash: string; name: string; curve?: string; kind: 'pkcs1' | 'pss' | 'ec' }>> = {
  RS256: { hash: 'sha256', name: 'RSASSA-PKCS1-v1_5', kind: 'pkcs1' },
  RS384: { hash: 'sha384', name: 'RSASSA-PKCS1-v1_5', kind: 'pkcs1' },
  RS512: { hash: 'sha512', name: 'RSASSA-PKCS1-v1_5', kind: 'pkcs1' },
  PS256: { hash: 'sha256', name: 'RSA-PSS', kind: 'pss' },
  PS384: { hash: 'sha384', name: 'RSA-PSS', kind: 'pss' },
  PS512: { hash: 'sha512', name: 'RSA-PSS', kind: 'pss' },
  ES256: { hash: 'sha256', name: 'ECDSA', curve: 'P-256', kind: 'ec' },
  ES384: { hash: 'sha384', name: 'ECDSA', curve: 'P-384', kind: 'ec' },
  ES512: { hash: 'sha512', name: 'ECDSA', curve: 'P-521', kind: 'ec' },
};
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const keyObjects = new WeakMap<object, KeyObject>();

/**
 * The signature check of `compactVerify`, done with one synchronous `node:crypto` call on the
 * same imported key (WebCrypto's `verify` costs several times the CPU of the RSA operation
 * itself). Returns the payload bytes of a valid signature; `undefined` whenever anything is
 * unusual (another algorithm or key kind, a key not made for `alg`, malformed parts, a wrong
 * signature): jose then checks the token and produces the error.
 */
function verifySynchronously(token: string, key: unknown, alg: string): Uint8Array | undefined {
  const spec = NODE_VERIFY[alg];
  const WebCryptoKey = (globalThis as { CryptoKey?: abstract new () => object }).CryptoKey;
  if (spec === undefined || WebCryptoKey === undefined || !(key instanceof WebCryptoKey)) return undefined;
  const cryptoKey = key as CryptoKey;
  const algorithm = cryptoKey.algorithm as { name?: string; hash?: { name?: string }; namedCurve?: string };
  if (cryptoKey.type !== 'public' || !cryptoKey.usages.includes('verify') || algorithm.name !== spec.name) return undefined;
  if (spec.kind === 'ec' ? algorithm.namedCurve !== spec.curve : algorithm.hash?.name !== `SHA-${spec.hash.slice(3)}`) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !BASE64URL.test(parts[1]!) || !BASE64URL.test(parts[2]!)) return undefined;
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = KeyObject.from(cryptoKey as Parameters<typeof KeyObject.from>[0]);
    keyObjects.set(key, keyObject);
  }
  const signature = Buffer.from(parts[2]!, 'base64url');
  const data = Buffer.from(`${parts[0]!}.${parts[1]!}`);
  const options =
    spec.kind === 'pss'
      ? { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : spec.kind === 'ec'
        ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const }
        : keyObject;
  let valid: boolean;
  try {
    valid = nodeVerify(spec.hash, data, options, signature);
  } catch {
    return undefined;
  }
  return valid ? Buffer.from(parts[1]!, 'base64url') : undefined;
}

/**
 * The single verification path: header → alg allow-list → key → signature → claims. `KeySet`
 * and {@link verifyJwtWithJwks} differ only in how they resolve the key. Internal.
 */
export async function verifyCompactJwt(
  token: string,
  resolveKey: KeyResolver,
  defaultAlgorithms: readonly string[],
  options: VerifyOptions,
  isAllowedFamily: (alg: string) => boolean = (alg) => !isForbiddenAlg(alg),
): Promise<VerifyResult> {
  const header = readHeader(token);
  const { alg, kid, typ } = header;
  if (typeof alg !== 'string' || alg === '') throw malformed('JWS header has no "alg"');
  if (kid !== undefined && typeof kid !== 'string') throw malformed('JWS "kid" must be a string');
  if (typ !== undefined && typeof typ !== 'string') throw malformed('JWS "typ" must be a string');
  const allowed = (options.algorithms ?? defaultAlgorithms).filter(isAllowedFamily);
  if (!allowed.includes(alg)) throw new CryptoError('ERR_ALG_NOT_ALLOWED', `alg ${alg} is not allowed`);
  // No JWS extension is understood here, so any critical one must be rejected (RFC 7515 §4.1.11).
  if (header['crit'] !== undefined) throw malformed('unsupported "crit" header');

  const key = await resolveKey(kid === undefined ? { alg } : { alg, kid });
  let payloadBytes: Uint8Array | undefined = verifySynchronously(token, key, alg);
  if (payloadBytes === undefined) {
    try {
      ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: allowed }));
    } catch (err) {
      throw toCryptoError(err, 'ERR_KEY_INVALID');
    }
  }
  const payload = parsePayload(payloadBytes);
  validateClaims(payload, header, options);
  return {
    payload,
    header: { alg, ...(kid === undefined ? {} : { kid }), ...(typ === undefined ? {} : { typ }) },
  };
}

const EC_ALGS: Readonly<Record<string, string>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/** Signature algorithms a JWK without `alg` may be used with, keyed by `kty` (and `crv`). */
function algorithmsForJwk(jwk: Record<string, unknown>): string[] {
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return [];
  if (typeof jwk['alg'] === 'string') return [jwk['alg']];
  switch (jwk['kty']) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC': {
      const alg = typeof jwk['crv'] === 'string' ? EC_ALGS[jwk['crv']] : undefined;
      return alg === undefined ? [] : [alg];
    }
    case 'OKP':
      return jwk['crv'] === 'Ed25519' ? ['EdDSA', 'Ed25519'] : [];
    default:
      return [];
  }
}

/**
 * Imported key sets by JWKS object. Only deeply frozen sets (the set, its `keys` and every key) are kept (a caller that mutates its JWKS
 * in place would otherwise verify against stale keys); `cachedJwks` in rp-kit freezes what it holds.
 */
const preparedSets = new WeakMap<JsonWebKeySet, { localSet: ReturnType<typeof createLocalJWKSet>; defaults: string[] }>();

/**
 * Verifies a compact JWS/JWT against a plain JWKS object (e.g. an OP's `jwks_uri` document, or
 * a client's registered `jwks`). The key is chosen by `kid` (and `alg`/`kty`/`use`); a token
 * without `kid` is accepted only when exactly one key fits. With no `options.algorithms`, the
 * allowed algorithms are those the JWKS keys declare or imply. Fetching and caching the JWKS,
 * and refetching on an unknown `kid`, are the caller's job.
 *
 * @throws {@link CryptoError} with any code except `ERR_NO_SIGNING_KEY`/`ERR_UNSUPPORTED_ALG`.
 *
 * @example
 * ```ts
 * const { payload } = await verifyJwtWithJwks(idToken, jwks, {
 *   issuer: metadata.issuer,
 *   audience: clientId,
 *   algorithms: metadata.id_token_signing_alg_values_supported,
 *   requiredClaims: ['sub', 'exp', 'iat'],
 * });
 * ```
 */
export async function verifyJwtWithJwks(
  token: string,
  jwks: JsonWebKeySet,
  options: VerifyOptions,
): Promise<VerifyResult> {
  if (!isRecord(jwks) || !Array.isArray(jwks.keys) || !jwks.keys.every(isRecord)) {
    throw new CryptoError('ERR_KEY_INVALID', 'JWKS must be an object with a "keys" array of objects');
  }
  let prepared = preparedSets.get(jwks);
  if (prepared === undefined) {
    let localSet: ReturnType<typeof createLocalJWKSet>;
    try {
      localSet = createLocalJWKSet(jwks as unknown as JSONWebKeySet);
    } catch (err) {
      throw toCryptoError(err, 'ERR_KEY_INVALID');
    }
    const defaults = [...new Set(jwks.keys.flatMap((jwk) => algorithmsForJwk(jwk as Record<string, unknown>)))];
    prepared = { localSet, defaults };
    // The imported keys are reused only for this very object: a refetched JWKS is a new object.
    if (Object.isFrozen(jwks) && Object.isFrozen(jwks.keys) && jwks.keys.every((jwk) => Object.isFrozen(jwk))) preparedSets.set(jwks, prepared);
  }
  const { localSet, defaults } = prepared;
  const resolveKey: KeyResolver = async (header) => {
    try {
      return await localSet(header);
    } catch (err) {
      throw toCryptoError(err, 'ERR_KEY_INVALID');
    }
  };
  return verifyCompactJwt(token, resolveKey, defaults, options);
}
