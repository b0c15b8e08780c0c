/**
 * `@oidc-ref/crypto`: JOSE for the OP and the RP (key sets with rotation, sign, verify, token
 * hashes) plus the few `node:crypto` helpers both apps need. This is the only package that
 * imports `jose`; every failure surfaces as a {@link CryptoError} with a stable `code`.
 *
 * @packageDocumentation
 */
export { SIGNING_ALGS, isSigningAlg } from './algorithms.js';
export type { SigningAlg } from './algorithms.js';
export { CRYPTO_ERROR_CODES, CryptoError } from './errors.js';
export type { CryptoErrorCode } from './errors.js';
export { generateSigningKey, jwkThumbprint } from './keys.js';
export type { KeyStatus, PrivateJwk, PublicJwk, StoredSigningKey } from './keys.js';
export { KeySet } from './key-set.js';
export type { SignOptions } from './key-set.js';
export { verifyJwtWithJwks } from './verify.js';
export type { JsonWebKeySet, VerifiedHeader, VerifyOptions, VerifyResult } from './verify.js';
export { decodeJwtUnverified } from './decode.js';
export { tokenHash } from './token-hash.js';
export { randomToken } from './random.js';
export { pkceS256Challenge, sha256Base64Url } from './digest.js';
export { timingSafeEqualString } from './timing-safe-equal.js';
export { hashPassword, verifyPassword } from './password.js';
export { HMAC_ALGS, signJwtWithSecret, verifyJwtWithSecret } from './hmac.js';
export type { HmacAlg } from './hmac.js';
export { JWE_ALGS, JWE_ENCS, isJweAlg, isJweEnc } from './jwe-algorithms.js';
export type { JweAlg, JweEnc } from './jwe-algorithms.js';
export { generateEncryptionKey, selectEncryptionKey } from './encryption-keys.js';
export type { EcdhCurve, EncryptionJwk, EncryptionKeyPair } from './encryption-keys.js';
export { encryptJwt } from './encrypt.js';
export type { EncryptOptions } from './encrypt.js';
export { decryptJwt } from './decrypt.js';
export type { DecryptOptions, DecryptResult } from './decrypt.js';
export { encodeUnsecuredJwt } from './unsecured.js';
