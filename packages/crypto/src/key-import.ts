import type { CryptoKey, JWK } from 'jose';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { randomBytes } from 'node:crypto';

import type { SigningAlg } from './algorithms.js';
import { isSigningAlg, keyShapeFor } from './algorithms.js';
import { CryptoError } from './errors.js';
import type { KeyMaterial, PrivateJwk, PublicJwk, StoredSigningKey } from './keys.js';
import { PUBLIC_MEMBERS, invalid, isKeyStatus, isRecord, jwkThumbprint, keyRejected, pickMaterial } from './keys.js';

/** A stored key checked for consistency, with its CryptoKeys imported once. Internal. */
export interface ImportedSigningKey {
  stored: StoredSigningKey;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

async function importOne(material: KeyMaterial, alg: SigningAlg): Promise<CryptoKey> {
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(material as JWK, alg, { extractable: false });
  } catch (err) {
    throw keyRejected(err);
  }
  if (key instanceof Uint8Array) throw invalid('symmetric keys cannot sign');
  return key;
}

function toBigInt(value: string): bigint {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/**
 * RSA private keys must carry all CRT members, consistent with each other and with `d`
 * (RFC 8017 §3.2). Signing uses the CRT values, so a corrupted `d` would otherwise go unnoticed
 * here and break elsewhere.
 */
function assertRsaConsistent(material: KeyMaterial, kid: string): void {
  const names = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
  const missing = names.filter((name) => material[name] === undefined);
  if (missing.length > 0) throw invalid(`key ${kid}: RSA privateJwk lacks ${missing.join(', ')}`);
  const [n, , d, p, q, dp, dq, qi] = names.map((name) => toBigInt(material[name] ?? '')) as [
    bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint,
  ];
  const consistent =
    p > 1n && q > 1n && p * q === n && d % (p - 1n) === dp && d % (q - 1n) === dq && (q * qi) % p === 1n;
  if (!consistent) throw invalid(`key ${kid}: RSA private members are inconsistent`);
}

/**
 * Pairwise consistency test: sign a random probe with the private key and verify it with the
 * public one, so mismatched halves are caught at load rather than at first use.
 */
async function assertPairMatches(privateKey: CryptoKey, publicKey: CryptoKey, alg: SigningAlg, kid: string): Promise<void> {
  try {
    const probe = await new CompactSign(randomBytes(32)).setProtectedHeader({ alg }).sign(privateKey);
    await compactVerify(probe, publicKey, { algorithms: [alg] });
  } catch (err) {
    throw invalid(`key ${kid}: private key does not match the public key`, err);
  }
}

/**
 * Validates one {@link StoredSigningKey} (alg/kty/curve agree, private and public halves match,
 * `kid` is the thumbprint, RSA ≥ 2048 bits and internally consistent, a probe signature
 * verifies) and imports it. Returns a normalised copy holding only key material plus
 * `kid`/`alg`/`use`. Internal: used by `KeySet.load`.
 */
export async function importSigningKey(input: StoredSigningKey): Promise<ImportedSigningKey> {
  if (!isRecord(input) || typeof input.kid !== 'string' || input.kid === '') throw invalid('stored key has no kid');
  const { kid, alg, status } = input;
  if (!isSigningAlg(alg)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `key ${kid}: unsupported alg ${String(alg)}`);
  if (!isKeyStatus(status)) throw invalid(`key ${kid}: invalid status ${String(status)}`);
  const { privateJwk, publicJwk } = input as { privateJwk: unknown; publicJwk: unknown };
  if (!isRecord(privateJwk) || !isRecord(publicJwk)) throw invalid(`key ${kid}: privateJwk and publicJwk must be objects`);

  const { kty, crv } = keyShapeFor(alg);
  for (const jwk of [publicJwk, privateJwk]) {
    if (jwk['kty'] !== kty || (crv !== undefined && jwk['crv'] !== crv)) {
      throw invalid(`key ${kid}: ${alg} needs kty ${kty}${crv ? ` crv ${crv}` : ''}`);
    }
    if (jwk['kid'] !== undefined && jwk['kid'] !== kid) throw invalid(`key ${kid}: JWK kid does not match`);
    if (jwk['alg'] !== undefined && jwk['alg'] !== alg) throw invalid(`key ${kid}: JWK alg does not match`);
    if (jwk['use'] !== undefined && jwk['use'] !== 'sig') throw invalid(`key ${kid}: JWK use must be sig`);
  }

  const publicMaterial = pickMaterial(publicJwk, kty, false);
  const privateMaterial = pickMaterial(privateJwk, kty, true);
  for (const name of PUBLIC_MEMBERS[kty]) {
    if (publicMaterial[name] === undefined) throw invalid(`key ${kid}: publicJwk lacks "${name}"`);
    if (privateMaterial[name] !== publicMaterial[name]) throw invalid(`key ${kid}: private and public halves differ`);
  }
  if (privateMaterial['d'] === undefined) throw invalid(`key ${kid}: privateJwk lacks "d"`);
  if (kty === 'RSA') assertRsaConsistent(privateMaterial, kid);
  if ((await jwkThumbprint(publicMaterial)) !== kid) throw invalid(`key ${kid}: kid is not the JWK thumbprint`);

  const [privateKey, publicKey] = await Promise.all([importOne(privateMaterial, alg), importOne(publicMaterial, alg)]);
  const { modulusLength } = publicKey.algorithm as { modulusLength?: number };
  if (kty === 'RSA' && (modulusLength === undefined || modulusLength < 2048)) {
    throw invalid(`key ${kid}: RSA keys must be at least 2048 bits`);
  }

  await assertPairMatches(privateKey, publicKey, alg, kid);

  const normalisedPublic = { ...publicMaterial, kid, alg, use: 'sig' } as PublicJwk;
  const normalisedPrivate = { ...normalisedPublic, ...privateMaterial } as PrivateJwk;
  return {
    stored: { kid, alg, status, privateJwk: normalisedPrivate, publicJwk: normalisedPublic },
    privateKey,
    publicKey,
  };
}
