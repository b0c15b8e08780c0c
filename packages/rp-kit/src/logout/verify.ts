import { CryptoError, decodeJwtUnverified, verifyJwtWithJwks, verifyJwtWithSecret } from '@oidc-ref/crypto';
import type { JsonWebKeySet, VerifyResult } from '@oidc-ref/crypto';

import { DEFAULT_COMMAND_ALGS } from '../commands/verify.js';
import type { ReplayStore } from '../commands/verify.js';
import { LogoutTokenError } from './errors.js';

/** The `events` member that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The asymmetric algorithms accepted by default. `none` is never accepted, `HS*` only when listed. */
export const DEFAULT_LOGOUT_ALGS: readonly string[] = DEFAULT_COMMAND_ALGS;

/** Loads the OP's JWKS; `{ refresh: true }` is passed once when no key matches the token's `kid` (see `cachedJwks`). */
export type JwksLoader = (options?: { refresh?: boolean }) => Promise<JsonWebKeySet>;

/**
 * The `jti` cache of {@link verifyLogoutToken}: `checkAndStore` is `false` when `(iss, jti)` was
 * seen before, else it keeps it until `exp` (persist it: a replay across restarts or instances
 * must fail too). `forget` is optional: the Express adapter calls it when ending the sessions
 * failed, so that the OP's retransmission is not refused as a replay.
 */
export interface LogoutReplayStore extends ReplayStore {
  forget?(iss: string, jti: string): Promise<void>;
}

export interface VerifyLogoutTokenOptions {
  /** The OP's issuer identifier; `iss` must equal it exactly. */
  issuer: string;
  /** This RP's client_id at the OP; `aud` must contain it. */
  clientId: string;
  /** The OP's JWKS, or a loader for it (refetched once on an unknown `kid`). */
  jwks: JsonWebKeySet | JwksLoader;
  replay: LogoutReplayStore;
  /**
   * Accepted `alg`s: the client's registered `id_token_signed_response_alg` (§2.6 step 2).
   * Default {@link DEFAULT_LOGOUT_ALGS} (asymmetric only). `none` is always refused; an `HS*`
   * alg counts only when listed here **and** `clientSecret` is given.
   */
  algorithms?: readonly string[];
  /** The client secret, for OPs that sign with `HS*` (only with `algorithms` naming it). */
  clientSecret?: string;
  /** Default `() => new Date()`. */
  now?: () => Date;
  /** Leeway for `exp` and `iat`, seconds. Default 30. */
  clockSkewSeconds?: number;
  /**
   * Loud opt-out: accept a token **without** a `typ` header. By default `typ` must be
   * `logout+jwt` (or `application/logout+jwt`), which our OP always sends; a token with another
   * `typ` is refused either way.
   */
  allowMissingTyp?: boolean;
  /**
   * Loud opt-out: accept a token without `exp` (pre-errata OPs). It is then accepted for
   * `maxAgeSeconds` after its `iat`, and its `jti` is kept until then.
   */
  allowMissingExp?: boolean;
  /** With `allowMissingExp`: how long after `iat` a token without `exp` is accepted. Default 120. */
  maxAgeSeconds?: number;
}

/** A verified logout token: `sub` and/or `sid` say which sessions to end. */
export interface VerifiedLogoutToken {
  iss: string;
  /** Present when the OP names the user: end all of this user's sessions (unless `sid` narrows it). */
  sub?: string;
  /** Present when the OP names one OP session: end the RP sessions signed in through it. */
  sid?: string;
  jti: string;
  iat: number;
  /** The token's `exp`, or `iat + maxAgeSeconds` when it had none (and that was allowed). */
  exp: number;
  /** Every claim of the token. */
  claims: Readonly<Record<string, unknown>>;
}

type CheckOptions = Omit<VerifyLogoutTokenOptions, 'replay'>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isHmac = (alg: string): boolean => /^hs/i.test(alg);

/** `typ` compares case-insensitively, the `application/` prefix optional (RFC 7515 §4.1.9). */
function isLogoutTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  return lower === 'logout+jwt' || lower === 'application/logout+jwt';
}

function checkHeader(header: Record<string, unknown>, options: CheckOptions): string {
  if (!Object.hasOwn(header, 'typ')) {
    if (options.allowMissingTyp !== true) throw new LogoutTokenError('typ', 'the token typ must be logout+jwt');
  } else if (!isLogoutTyp(header['typ'])) {
    throw new LogoutTokenError('typ', 'the token typ must be logout+jwt');
  }
  const alg = header['alg'];
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') throw new LogoutTokenError('alg', 'the token alg is not allowed');
  const allowed = options.algorithms ?? DEFAULT_LOGOUT_ALGS;
  if (!allowed.includes(alg)) throw new LogoutTokenError('alg', 'the token alg is not allowed');
  if (isHmac(alg) && !isNonEmptyString(options.clientSecret)) throw new LogoutTokenError('alg', 'the token alg is not allowed');
  return alg;
}

async function verifySignature(token: string, alg: string, options: CheckOptions, now: Date, skew: number): Promise<VerifyResult> {
  const common = { currentDate: now, clockToleranceSec: skew };
  try {
    if (isHmac(alg)) return await verifyJwtWithSecret(token, options.clientSecret ?? '', { ...common, algorithms: [alg] });
    const algorithms = (options.algorithms ?? DEFAULT_LOGOUT_ALGS).filter((name) => !isHmac(name) && name.toLowerCase() !== 'none');
    const { jwks } = options;
    if (typeof jwks !== 'function') return await verifyJwtWithJwks(token, jwks, { ...common, algorithms });
    try {
      return await verifyJwtWithJwks(token, await jwks(), { ...common, algorithms });
    } catch (err) {
      if (!(err instanceof CryptoError) || err.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      return await verifyJwtWithJwks(token, await jwks({ refresh: true }), { ...common, algorithms });
    }
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    if (err.code === 'ERR_JWT_EXPIRED') throw new LogoutTokenError('exp', 'the logout token has expired', { cause: err });
    if (err.code === 'ERR_JWT_CLAIM_INVALID') throw new LogoutTokenError('malformed', 'the logout token has an invalid claim', { cause: err });
    throw new LogoutTokenError('signature', 'the logout token signature could not be verified', { cause: err });
  }
}

/**
 * Verifies a Back-Channel Logout 1.0 logout token in the order of §2.6, and only then records
 * its `jti`, so a refused token consumes nothing:
 *
 * 1. not encrypted (encrypted logout tokens are not supported: refused);
 * 2. header: `typ` is `logout+jwt` (a missing `typ` is refused unless `allowMissingTyp`), `alg`
 *    in the allow-list (never `none`; `HS*` only when configured);
 * 3. the signature, by the OP's JWKS (refetched once on an unknown `kid`);
 * 4. `iss` exactly the issuer, `aud` contains the client_id, `iat` present and not in the future,
 *    `exp` present (unless `allowMissingExp`) and not passed (with `clockSkewSeconds`);
 * 5. `sub` and/or `sid`;
 * 6. `events` holds `http://schemas.openid.net/event/backchannel-logout` with a JSON object value;
 * 7. no `nonce`;
 * 8. `jti` present and never seen (stored until `exp`).
 *
 * @throws {@link LogoutTokenError} (always a 400 `invalid_request`) with the failed check's `code`.
 *
 * @example
 * ```ts
 * const verified = await verifyLogoutToken(form.logout_token, {
 *   issuer: 'https://op.example.org',
 *   clientId: 'rp-1',
 *   jwks: cachedJwks(async () => (await fetch(jwksUri)).json()),
 *   replay: jtiStore,
 * });
 * await endSessions({ iss: verified.iss, sub: verified.sub, sid: verified.sid });
 * ```
 */
export async function verifyLogoutToken(token: unknown, options: VerifyLogoutTokenOptions): Promise<VerifiedLogoutToken> {
  const verified = await checkLogoutToken(token, options);
  await rememberLogoutJti(verified, options.replay);
  return verified;
}

/**
 * Steps 1–7 of {@link verifyLogoutToken} and the presence of `jti`: everything but the replay
 * cache. Internal: the Express adapter runs step 8 inside the caller's transaction.
 */
export async function checkLogoutToken(token: unknown, options: CheckOptions): Promise<VerifiedLogoutToken> {
  if (!isNonEmptyString(token)) throw new LogoutTokenError('missing_token', 'logout_token is required');
  const now = options.now?.() ?? new Date();
  const skew = options.clockSkewSeconds ?? 30;
  const nowSeconds = Math.floor(now.getTime() / 1000);

  // 1. Encryption is not supported: an encrypted (JWE, five parts) token is refused.
  if (token.split('.').length === 5) throw new LogoutTokenError('encrypted', 'encrypted logout tokens are not supported');
  let header: Record<string, unknown>;
  try {
    ({ header } = decodeJwtUnverified(token));
  } catch (err) {
    throw new LogoutTokenError('malformed', 'logout_token is not a JWT', { cause: err });
  }
  // 2. typ and alg, before any key is looked at.
  const alg = checkHeader(header, options);
  // 3. The signature.
  const { payload: claims } = await verifySignature(token, alg, options, now, skew);

  // 4. iss, aud, iat, exp.
  if (claims['iss'] !== options.issuer) throw new LogoutTokenError('iss', 'iss is not the expected issuer');
  const { aud } = claims;
  const audOk = aud === options.clientId || (Array.isArray(aud) && aud.includes(options.clientId));
  if (!audOk) throw new LogoutTokenError('aud', 'aud does not contain this client_id');
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new LogoutTokenError('iat', 'iat is required');
  if (iat > nowSeconds + skew) throw new LogoutTokenError('iat', 'iat is in the future');
  let until: number;
  if (exp === undefined) {
    if (options.allowMissingExp !== true) throw new LogoutTokenError('exp', 'exp is required');
    until = iat + (options.maxAgeSeconds ?? 120);
  } else if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new LogoutTokenError('exp', 'exp must be a number');
  } else {
    until = exp;
  }
  if (until + skew < nowSeconds) throw new LogoutTokenError('exp', 'the logout token has expired');

  // 5. sub and/or sid.
  const { sub, sid } = claims;
  if (sub !== undefined && !isNonEmptyString(sub)) throw new LogoutTokenError('sub_or_sid', 'sub must be a non-empty string');
  if (sid !== undefined && !isNonEmptyString(sid)) throw new LogoutTokenError('sub_or_sid', 'sid must be a non-empty string');
  if (sub === undefined && sid === undefined) throw new LogoutTokenError('sub_or_sid', 'a logout token needs sub or sid');

  // 6. events.
  const { events } = claims;
  if (!isRecord(events) || !Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT)) {
    throw new LogoutTokenError('events', `events must contain ${BACKCHANNEL_LOGOUT_EVENT}`);
  }
  if (!isRecord(events[BACKCHANNEL_LOGOUT_EVENT])) throw new LogoutTokenError('events', 'the back-channel logout event must be a JSON object');

  // 7. nonce is prohibited.
  if (Object.hasOwn(claims, 'nonce')) throw new LogoutTokenError('nonce', 'a logout token must not carry nonce');

  // 8. jti (its replay check follows in rememberLogoutJti: only a token that passed everything
  // else is remembered).
  const { jti } = claims;
  if (!isNonEmptyString(jti)) throw new LogoutTokenError('jti', 'jti is required');

  return {
    iss: options.issuer,
    ...(sub === undefined ? {} : { sub }),
    ...(sid === undefined ? {} : { sid }),
    jti,
    iat,
    exp: until,
    claims,
  };
}

/** Step 8: records the `jti` until `exp`, or throws `replay` when it was seen before. Internal. */
export async function rememberLogoutJti(verified: VerifiedLogoutToken, replay: LogoutReplayStore): Promise<void> {
  if (!(await replay.checkAndStore(verified.iss, verified.jti, verified.exp))) throw new LogoutTokenError('replay', 'the logout token was already used');
}
