import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

import type { SigningAlg } from './algorithms.js';
import { isSigningAlg, keyShapeFor } from './algorithms.js';
import { CryptoError, toCryptoError } from './errors.js';

/**
 * Lifecycle state of a signing key (OIDC Core §10.1.1 rotation). `staged` keys are published
 * but sign nothing yet, so verifiers have them cached before the first token they sign;
 * `active` keys sign and verify; `retired` keys only verify and stay in the published JWKS until
 * every token they signed has expired. Every state verifies: a key another process has already
 * promoted may still look `staged` here.
 *
 * @example
 * ```ts
 * const status: KeyStatus = row.retiredAt ? 'retired' : 'active';
 * ```
 */
export type KeyStatus = 'staged' | 'active' | 'retired';

/** Every {@link KeyStatus}. Internal. */
export const KEY_STATUSES: readonly KeyStatus[] = Object.freeze(['staged', 'active', 'retired']);

/** Whether `value` is a {@link KeyStatus}. Internal. */
export function isKeyStatus(value: unknown): value is KeyStatus {
  return typeof value === 'string' && (KEY_STATUSES as readonly string[]).includes(value);
}

/**
 * The public half of a signing key as published in a JWKS: key material plus `kid`, `alg` and
 * `use: 'sig'`. Never contains private members.
 *
 * @example
 * ```ts
 * const jwk: PublicJwk = (await generateSigningKey('EdDSA')).publicJwk;
 * // { kty: 'OKP', crv: 'Ed25519', x: '…', kid: '…', alg: 'EdDSA', use: 'sig' }
 * ```
 */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  /** RSA modulus. */
  n?: string;
  /** RSA public exponent. */
  e?: string;
  /** EC / OKP curve. */
  crv?: string;
  /** EC / OKP public point. */
  x?: string;
  /** EC public point. */
  y?: string;
}

/**
 * A private signing JWK: the {@link PublicJwk} members plus the private ones. Store it
 * envelope-encrypted; never log or publish it.
 *
 * @example
 * ```ts
 * const sealed = await kms.encrypt(JSON.stringify(key.privateJwk)); // persist only `sealed`
 * ```
 */
export interface PrivateJwk extends PublicJwk {
  d: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

/**
 * A signing key as persisted by an app. `kid` is the RFC 7638 SHA-256 thumbprint of the public
 * key. JSON-serialisable, so it can live in a JSON column.
 *
 * @example
 * ```ts
 * const key: StoredSigningKey = await generateSigningKey('RS256');
 * await db.signingKey.create({ data: { kid: key.kid, alg: key.alg, status: key.status, jwk: key } });
 * ```
 */
export interface StoredSigningKey {
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  privateJwk: PrivateJwk;
  publicJwk: PublicJwk;
}

export const PUBLIC_MEMBERS = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] } as const;
const PRIVATE_MEMBERS = { RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'], EC: ['d'], OKP: ['d'] } as const;

export type Kty = keyof typeof PUBLIC_MEMBERS;
export type KeyMaterial = { kty: Kty } & Record<string, string>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalid(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_KEY_INVALID', message, { cause });
}

/** Whatever jose rejects about a key (including "not supported" kty/crv) is a key problem. */
export function keyRejected(err: unknown): CryptoError {
  return invalid(err instanceof Error ? err.message : 'invalid key', err);
}

/**
 * Internal. Copies only the members that define the key (`kty` plus the public, and optionally private,
 * members for its type), so metadata or stray private members never leak through.
 */
export function pickMaterial(jwk: Record<string, unknown>, kty: Kty, withPrivate: boolean): KeyMaterial {
  const names: readonly string[] = withPrivate
    ? [...PUBLIC_MEMBERS[kty], ...PRIVATE_MEMBERS[kty]]
    : PUBLIC_MEMBERS[kty];
  const material: KeyMaterial = { kty };
  for (const name of names) {
    const value = jwk[name];
    if (typeof value === 'string' && value !== '') material[name] = value;
  }
  return material;
}

/**
 * Generates a new signing key pair for `alg`: RSA 2048 for `RS256`/`PS256`, P-256 for `ES256`,
 * Ed25519 for `EdDSA`. The `kid` is the RFC 7638 thumbprint of the public key.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey('ES256');
 * key.publicJwk; // { kty: 'EC', crv: 'P-256', x, y, kid: key.kid, alg: 'ES256', use: 'sig' }
 * ```
 */
export async function generateSigningKey(alg: SigningAlg, status: KeyStatus = 'active'): Promise<StoredSigningKey> {
  if (!isSigningAlg(alg)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `cannot generate a key for alg ${String(alg)}`);
  if (!isKeyStatus(status)) throw new TypeError(`invalid key status ${String(status)}`);
  const { kty, crv } = keyShapeFor(alg);
  try {
    const shape = kty === 'RSA' ? { modulusLength: 2048 } : { crv };
    const pair = await generateKeyPair(alg, { extractable: true, ...shape });
    const exported = await exportJWK(pair.privateKey);
    const material = pickMaterial(exported, kty, false);
    const kid = await calculateJwkThumbprint(material as JWK, 'sha256');
    const publicJwk = { ...material, kid, alg, use: 'sig' } as PublicJwk;
    const privateJwk = { ...publicJwk, ...pickMaterial(exported, kty, true) } as PrivateJwk;
    return { kid, alg, status, privateJwk, publicJwk };
  } catch (err) {
    throw toCryptoError(err, 'ERR_KEY_INVALID');
  }
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of a public or private JWK. Only the required
 * public members take part, so a private JWK and its public half give the same value.
 *
 * @throws {@link CryptoError} `ERR_KEY_INVALID` when the JWK lacks a required member or has an
 * unknown `kty`.
 *
 * @example
 * ```ts
 * const kid = await jwkThumbprint(key.publicJwk); // === key.kid for generated keys
 * ```
 */
export async function jwkThumbprint(jwk: object): Promise<string> {
  if (!isRecord(jwk)) throw invalid('JWK must be an object');
  try {
    return await calculateJwkThumbprint(jwk as JWK, 'sha256');
  } catch (err) {
    throw keyRejected(err);
  }
}
