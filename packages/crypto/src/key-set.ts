import { KeyObject, constants, sign as nodeSign } from 'node:crypto';

import type { SigningAlg } from './algorithms.js';
import { isSigningAlg } from './algorithms.js';
import { CryptoError, toCryptoError } from './errors.js';
import type { ImportedSigningKey } from './key-import.js';
import { importSigningKey } from './key-import.js';
import type { PublicJwk, StoredSigningKey } from './keys.js';
import type { KeyResolver, VerifyOptions, VerifyResult } from './verify.js';
import { verifyCompactJwt } from './verify.js';

/**
 * Options for {@link KeySet.sign}.
 *
 * @example
 * ```ts
 * const options: SignOptions = { alg: 'ES256', typ: 'logout+jwt' };
 * ```
 */
export interface SignOptions {
  /** Sign with the newest active key of this algorithm. Default: the set's default key. */
  alg?: SigningAlg;
  /** JOSE `typ` header, e.g. `logout+jwt`. Omitted when not given. */
  typ?: string;
}

/**
 * One signature over `input` with node:crypto, as RFC 7518 §3 defines each algorithm: RSASSA-
 * PKCS1-v1_5 and RSASSA-PSS (salt = hash length) with SHA-256, ECDSA P-256 with SHA-256 as the
 * raw `r || s` pair, and Ed25519. Synchronous and on the calling thread: several times cheaper
 * per signature than WebCrypto's queued jobs, which matters on the token endpoint.
 */
function signInput(alg: SigningAlg, key: KeyObject, input: Buffer): Buffer {
  switch (alg) {
    case 'RS256':
      return nodeSign('sha256', input, key);
    case 'PS256':
      return nodeSign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ES256':
      return nodeSign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return nodeSign(null, input, key);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An OP's signing keys, imported once. Keys are in preference order, **newest first**: signing
 * uses the first active key that fits; verification accepts staged, active and retired keys
 * alike, and the published JWKS lists them all.
 *
 * @example
 * ```ts
 * const keys = await KeySet.load([await generateSigningKey('RS256'), await generateSigningKey('ES256')]);
 * const idToken = await keys.sign({ iss, sub, aud: clientId, iat: now, exp: now + 300 });
 * const { payload } = await keys.verify(idToken, { issuer: iss, audience: clientId });
 * res.json(keys.publicJwks());
 * ```
 */
export class KeySet {
  readonly #entries: readonly ImportedSigningKey[];
  /** Per key: its node:crypto private key and the encoded protected headers used so far (by typ). */
  readonly #signers = new WeakMap<ImportedSigningKey, { key: KeyObject; headers: Map<string, string> }>();

  private constructor(entries: readonly ImportedSigningKey[]) {
    this.#entries = entries;
  }

  /**
   * Checks and imports every key once (CryptoKeys are cached for the life of the set).
   *
   * @throws {@link CryptoError} `ERR_KEY_INVALID` for a malformed or inconsistent key or a
   * duplicate `kid`, `ERR_UNSUPPORTED_ALG` for an algorithm outside `SIGNING_ALGS`.
   *
   * @example
   * ```ts
   * const keys = await KeySet.load(rows.map((row) => row.key as StoredSigningKey)); // newest first
   * ```
   */
  static async load(keys: readonly StoredSigningKey[]): Promise<KeySet> {
    if (!Array.isArray(keys)) throw new TypeError('KeySet.load expects an array of stored keys');
    const entries = await Promise.all(keys.map((key) => importSigningKey(key)));
    const kids = new Set<string>();
    for (const { stored } of entries) {
      if (kids.has(stored.kid)) throw new CryptoError('ERR_KEY_INVALID', `duplicate kid ${stored.kid}`);
      kids.add(stored.kid);
    }
    return new KeySet(entries);
  }

  /**
   * The JWKS to serve at `jwks_uri`: the public half of every staged, active and retired key, with
   * `kid`, `alg` and `use: 'sig'` and no private members. Returns a fresh copy each call.
   *
   * @example
   * ```ts
   * router.get('/jwks', (_req, res) => res.set('Cache-Control', 'max-age=300').json(keys.publicJwks()));
   * ```
   */
  publicJwks(): { keys: PublicJwk[] } {
    return { keys: this.#entries.map(({ stored }) => ({ ...stored.publicJwk })) };
  }

  /**
   * Whether a key with this `kid` is in the set (staged, active or retired).
   *
   * @example
   * ```ts
   * if (!keys.has(header.kid)) await reloadKeysFromDb();
   * ```
   */
  has(kid: string): boolean {
    return this.#entries.some(({ stored }) => stored.kid === kid);
  }

  /**
   * The key that {@link KeySet.sign} would use: the first (newest) active key with `alg`; with no
   * `alg`, the first active `RS256` key, else the first active key.
   *
   * @throws {@link CryptoError} `ERR_NO_SIGNING_KEY` when no active key fits,
   * `ERR_UNSUPPORTED_ALG` when `alg` is not a `SigningAlg`.
   *
   * @example
   * ```ts
   * const alg = keys.signingKey(client.idTokenSignedResponseAlg).alg;
   * ```
   */
  signingKey(alg?: SigningAlg): StoredSigningKey {
    return structuredClone(this.#signingEntry(alg).stored);
  }

  #signingEntry(alg: SigningAlg | undefined): ImportedSigningKey {
    if (alg !== undefined && !isSigningAlg(alg)) {
      throw new CryptoError('ERR_UNSUPPORTED_ALG', `cannot sign with alg ${String(alg)}`);
    }
    const active = this.#entries.filter(({ stored }) => stored.status === 'active');
    const entry =
      alg === undefined
        ? (active.find(({ stored }) => stored.alg === 'RS256') ?? active[0])
        : active.find(({ stored }) => stored.alg === alg);
    if (entry === undefined) {
      throw new CryptoError('ERR_NO_SIGNING_KEY', `no active signing key${alg === undefined ? '' : ` for ${alg}`}`);
    }
    return entry;
  }

  /**
   * Signs `payload` as a compact JWS with header `{ alg, kid, typ? }` only (never `x5c`, `x5u`,
   * `jku` or `jwk`). The payload is signed as given: set `iat`/`exp` yourself and leave out
   * claims that have no value rather than sending `null`.
   *
   * @throws {@link CryptoError} `ERR_NO_SIGNING_KEY`, `ERR_UNSUPPORTED_ALG`, or
   * `ERR_JWT_MALFORMED` when the payload is not a plain JSON-able object.
   *
   * @example
   * ```ts
   * const events = { 'http://schemas.openid.net/event/backchannel-logout': {} };
   * const logoutToken = await keys.sign(
   *   { iss, aud: clientId, iat: now, exp: now + 120, jti: randomToken(16), sid, events },
   *   { typ: 'logout+jwt' },
   * );
   * ```
   */
  async sign(payload: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    if (!isPlainObject(payload)) throw new CryptoError('ERR_JWT_MALFORMED', 'JWT payload must be a plain object');
    const { typ } = options;
    if (typ !== undefined && (typeof typ !== 'string' || typ === '')) {
      throw new TypeError('typ must be a non-empty string');
    }
    const entry = this.#signingEntry(options.alg);
    try {
      const signer = this.#signerFor(entry);
      let header = signer.headers.get(typ ?? '');
      if (header === undefined) {
        const { alg, kid } = entry.stored;
        header = Buffer.from(JSON.stringify({ alg, kid, ...(typ === undefined ? {} : { typ }) })).toString('base64url');
        signer.headers.set(typ ?? '', header);
      }
      const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      const signature = signInput(entry.stored.alg, signer.key, Buffer.from(input));
      return `${input}.${signature.toString('base64url')}`;
    } catch (err) {
      throw toCryptoError(err, 'ERR_JWT_MALFORMED');
    }
  }

  #signerFor(entry: ImportedSigningKey): { key: KeyObject; headers: Map<string, string> } {
    let signer = this.#signers.get(entry);
    if (signer === undefined) {
      signer = { key: KeyObject.from(entry.privateKey), headers: new Map() };
      this.#signers.set(entry, signer);
    }
    return signer;
  }

  /**
   * Verifies a compact JWS/JWT signed by any key of this set, whatever its status, chosen by the
   * header `kid` (a token without `kid` is accepted only if exactly one key has its `alg`).
   * Allowed algorithms default to those of the set's keys; `none` and `HS*` are never allowed.
   *
   * @throws {@link CryptoError} `ERR_JWT_MALFORMED`, `ERR_ALG_NOT_ALLOWED`,
   * `ERR_JWKS_NO_MATCHING_KEY`, `ERR_JWS_SIGNATURE_INVALID`, `ERR_JWT_EXPIRED`,
   * `ERR_JWT_CLAIM_INVALID`.
   *
   * @example
   * ```ts
   * // id_token_hint: our own token, possibly expired
   * const { payload } = await keys.verify(hint, { issuer, allowExpired: true, requiredClaims: ['sub'] });
   * ```
   */
  async verify(token: string, options: VerifyOptions): Promise<VerifyResult> {
    const resolveKey: KeyResolver = ({ alg, kid }) => {
      const candidates = this.#entries.filter(
        ({ stored }) => stored.alg === alg && (kid === undefined || stored.kid === kid),
      );
      const [only] = candidates;
      if (only === undefined || candidates.length > 1) {
        throw new CryptoError(
          'ERR_JWKS_NO_MATCHING_KEY',
          kid === undefined ? `no single ${alg} key for a token without kid` : `no ${alg} key with kid ${kid}`,
        );
      }
      return only.publicKey;
    };
    const algorithms = [...new Set(this.#entries.map(({ stored }) => stored.alg))];
    return verifyCompactJwt(token, resolveKey, algorithms, options);
  }
}
