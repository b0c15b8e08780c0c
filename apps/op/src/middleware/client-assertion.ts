import { CryptoError, HMAC_ALGS, SIGNING_ALGS, verifyJwtWithJwks, verifyJwtWithSecret, type VerifyOptions } from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { ClientAssertionRepository } from '../repositories/client-assertion-repository.js';
import { ClientKeysError, type ClientKeys } from '../services/client-keys.js';
import { authenticationFailed, type ClientCredentials } from './read-client-credentials.js';

/** How far ahead of now an assertion's `exp` may be ([rec]: assertions are short-lived). */
export const ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Leeway for the client's clock on `exp`, `nbf` and the lifetime cap. */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 5;
/** Longest `jti` accepted (it is stored until the assertion expires). */
const MAX_JTI_LENGTH = 256;

/** Algorithms of client_secret_jwt (the client secret octets, OIDC Core §9). */
export const CLIENT_SECRET_JWT_ALGS: readonly string[] = HMAC_ALGS;
/** Algorithms of private_key_jwt (the client's registered keys). */
export const PRIVATE_KEY_JWT_ALGS: readonly string[] = SIGNING_ALGS;
/** `token_endpoint_auth_signing_alg_values_supported`: never `none`. */
export const TOKEN_ENDPOINT_AUTH_SIGNING_ALGS: readonly string[] = [...CLIENT_SECRET_JWT_ALGS, ...PRIVATE_KEY_JWT_ALGS];

type AssertionCredentials = Extract<ClientCredentials, { assertion: string }>;

/**
 * The algorithms an assertion may use: those of the method, narrowed to the client's registered
 * `token_endpoint_auth_signing_alg` when it has one (OIDC Registration §2).
 */
export function assertionAlgorithms(method: AssertionCredentials['method'], registeredAlg: string | undefined): string[] {
  const family = method === 'client_secret_jwt' ? CLIENT_SECRET_JWT_ALGS : PRIVATE_KEY_JWT_ALGS;
  return registeredAlg === undefined ? [...family] : family.filter((alg) => alg === registeredAlg);
}

/**
 * The claim checks of a client assertion whose signature is valid (OIDC Core §9, RFC 7523 §3):
 * `iss` = `sub` = the client id; `aud` exactly the issuer as a string (errata set 3: the OP must
 * be the sole audience; the token endpoint URL or an array is refused); `exp` present and at
 * most {@link ASSERTION_MAX_LIFETIME_SECONDS} ahead; a `jti` to record. Returns the `jti` and
 * until when it must be remembered.
 */
export function checkAssertionClaims(
  payload: Record<string, unknown>,
  expected: { clientId: string; issuer: string; now: Date },
): { jti: string; expiresAt: Date } {
  const { clientId, issuer, now } = expected;
  if (payload.iss !== clientId) throw authenticationFailed('assertion iss is not the client id', clientId);
  if (payload.sub !== clientId) throw authenticationFailed('assertion sub is not the client id', clientId);
  if (payload.aud !== issuer) throw authenticationFailed('assertion aud is not exactly the issuer', clientId);
  const { exp, jti } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw authenticationFailed('assertion has no exp', clientId);
  const nowSeconds = now.getTime() / 1000;
  if (exp <= nowSeconds - ASSERTION_CLOCK_TOLERANCE_SECONDS) throw authenticationFailed('assertion has expired', clientId);
  if (exp > nowSeconds + ASSERTION_MAX_LIFETIME_SECONDS + ASSERTION_CLOCK_TOLERANCE_SECONDS) {
    throw authenticationFailed('assertion exp is too far in the future', clientId);
  }
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw authenticationFailed('assertion has no usable jti', clientId);
  return { jti, expiresAt: new Date((exp + ASSERTION_CLOCK_TOLERANCE_SECONDS) * 1000) };
}

/**
 * Remembers used `jti`s so an assertion works once. Expired entries are deleted at most once
 * per `purgeIntervalMs` per process, on the request that happens to come next.
 */
export function assertionReplayGuard(repo: ClientAssertionRepository, options: { purgeIntervalMs?: number } = {}) {
  const interval = options.purgeIntervalMs ?? 60_000;
  let lastPurge = 0;
  return {
    /** Records the `jti`; false when the client already used it. */
    async firstUse(clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
      if (now.getTime() - lastPurge >= interval) {
        lastPurge = now.getTime();
        await repo.purgeExpired(now);
      }
      return repo.recordJti(clientId, jti, expiresAt);
    },
  };
}
export type AssertionReplayGuard = ReturnType<typeof assertionReplayGuard>;

export interface ClientAssertionDeps {
  issuer: string;
  clientKeys: ClientKeys;
  replay: AssertionReplayGuard;
  now: Date;
}

/**
 * Verifies a client_secret_jwt or private_key_jwt assertion for `client` (OIDC Core §9): the
 * alg (never `none`; the registered one if any), the signature (client secret octets for HS*,
 * the client's `jwks` / `jwks_uri` otherwise), the claims, then records the `jti` (a replay is
 * refused). Every failure is the same `invalid_client`.
 */
export async function verifyClientAssertion(
  deps: ClientAssertionDeps,
  client: ClientRecord,
  credentials: AssertionCredentials,
): Promise<void> {
  const algorithms = assertionAlgorithms(credentials.method, client.metadata.token_endpoint_auth_signing_alg);
  if (!algorithms.includes(credentials.alg)) throw authenticationFailed(`assertion alg ${credentials.alg} not allowed`, client.id);
  const options: VerifyOptions = {
    algorithms,
    clockToleranceSec: ASSERTION_CLOCK_TOLERANCE_SECONDS,
    currentDate: deps.now,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
  };
  let payload: Record<string, unknown>;
  try {
    if (credentials.method === 'client_secret_jwt') {
      if (!client.secret) throw authenticationFailed('client has no secret for client_secret_jwt', client.id);
      ({ payload } = await verifyJwtWithSecret(credentials.assertion, client.secret, options));
    } else {
      const jwks = await deps.clientKeys.jwksFor(client, credentials.kid);
      ({ payload } = await verifyJwtWithJwks(credentials.assertion, jwks, options));
    }
  } catch (err) {
    if (err instanceof CryptoError) throw authenticationFailed(`assertion rejected: ${err.code}`, client.id);
    if (err instanceof ClientKeysError) throw authenticationFailed(`client keys unavailable: ${err.message}`, client.id);
    throw err;
  }
  const { jti, expiresAt } = checkAssertionClaims(payload, { clientId: client.id, issuer: deps.issuer, now: deps.now });
  if (!(await deps.replay.firstUse(client.id, jti, expiresAt, deps.now))) throw authenticationFailed('assertion jti replayed', client.id);
}
