import { CryptoError, decodeJwtUnverified, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { JsonWebKeySet } from '@oidc-ref/crypto';

import { CommandError, invalidRequest } from './errors.js';
import { DRAFT_00_ALIASES, isAccountCommand, isTenantCommand } from './names.js';
import type { AccountCommand, TenantCommand } from './names.js';

/** An OP this RP accepts commands from, as found by its `iss`. */
export interface CommandProvider {
  /** This RP's client_id at the OP (per RP tenant for a multi-tenant RP). */
  clientId: string;
  /**
   * The OP's JWKS. Cache it; `{ refresh: true }` is passed once when no key matches the
   * token's `kid` (see {@link cachedJwks}).
   */
  jwks(options?: { refresh?: boolean }): Promise<JsonWebKeySet>;
  /** Accepted `alg`s (asymmetric only). Default {@link DEFAULT_COMMAND_ALGS}. */
  algorithms?: readonly string[];
}

/** A persistent `jti` cache: `false` when `(iss, jti)` was seen before, else stores it until `exp`. */
export interface ReplayStore {
  checkAndStore(iss: string, jti: string, exp: number): Promise<boolean>;
}

export interface VerifyCommandTokenOptions {
  /** The absolute URL that received the request: `aud` must equal it. */
  expectedAudience: string;
  /** The OP for an `iss`, or `undefined` (→ 401 `unrecognized_provider`). */
  providers(iss: string): CommandProvider | undefined | Promise<CommandProvider | undefined>;
  replay: ReplayStore;
  /** Default `() => new Date()`. */
  now?: () => Date;
  /** Leeway for `exp` and `iat`, seconds. Default 30. */
  clockSkewSeconds?: number;
}

/** A verified command, its name mapped to draft 02. */
export type VerifiedCommand =
  | (CommandBase & { kind: 'account'; command: AccountCommand; async: boolean; sub: string; audSub?: string; authenticationProvider?: 'op' | 'op_migration' })
  | (CommandBase & { kind: 'tenant'; command: TenantCommand; async: false; metadata?: Record<string, unknown> })
  | (CommandBase & { kind: 'unknown'; command: string; async: false });

interface CommandBase {
  iss: string;
  tenant: string;
  clientId: string;
  jti: string;
  /** The raw wire name before alias mapping, e.g. `unauthorize`. */
  wireCommand: string;
  callbackToken?: string;
  /** Every claim of the token. */
  claims: Readonly<Record<string, unknown>>;
}

/** The asymmetric algorithms accepted by default. `none` and `HS*` never are. */
export const DEFAULT_COMMAND_ALGS: readonly string[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';
const forbiddenAlg = (alg: string): boolean => alg.toLowerCase() === 'none' || /^hs/i.test(alg);

async function verifySignature(token: string, provider: CommandProvider, iss: string, options: VerifyCommandTokenOptions, now: Date, skew: number) {
  const algorithms = (provider.algorithms ?? DEFAULT_COMMAND_ALGS).filter((alg) => !forbiddenAlg(alg));
  const verifyWith = async (jwks: JsonWebKeySet) =>
    verifyJwtWithJwks(token, jwks, { issuer: iss, algorithms, currentDate: now, clockToleranceSec: skew, requiredClaims: ['exp', 'iat', 'jti'] });
  try {
    try {
      return await verifyWith(await provider.jwks());
    } catch (err) {
      if (!(err instanceof CryptoError) || err.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      return await verifyWith(await provider.jwks({ refresh: true }));
    }
  } catch (err) {
    if (err instanceof CryptoError) throw invalidRequest(err.code === 'ERR_JWT_EXPIRED' ? 'the command token has expired' : 'the command token failed verification', err);
    throw err;
  }
}

function classify(wireCommand: string): { kind: 'account' | 'tenant' | 'unknown'; command: string; async: boolean } {
  const name = DRAFT_00_ALIASES[wireCommand] ?? wireCommand;
  const async = name.endsWith('_async');
  const base = async ? name.slice(0, -'_async'.length) : name;
  if (isAccountCommand(base)) return { kind: 'account', command: base, async };
  if (!async && isTenantCommand(base)) return { kind: 'tenant', command: base, async: false };
  return { kind: 'unknown', command: name, async: false };
}

/**
 * Verifies a Command Token in the digest's §4 order: `typ` exactly `command+jwt`, an asymmetric
 * `alg`, a known `iss` (else 401 `unrecognized_provider`), the signature against the OP's JWKS
 * (refetched once on an unknown `kid`), `aud` equal to the receiving URL, `client_id`, `exp`/`iat`
 * with a small skew, the `jti` replay cache, no `nonce`, then the per-command claim rules.
 * Draft 00's `unauthorize`/`unauthorize_tenant` become `invalidate`/`invalidate_tenant`. An
 * unrecognised command name verifies as `kind: 'unknown'`, for the caller to answer 400
 * `unsupported_command` (support may differ per OP and tenant).
 *
 * @throws {@link CommandError} `invalid_request` (400) or `unrecognized_provider` (401).
 *
 * @example
 * ```ts
 * const command = await verifyCommandToken(form.command_token, {
 *   expectedAudience: 'https://rp.example.net/commands/acme',
 *   providers: (iss) => (iss === 'https://op.example.org' ? { clientId: 'rp-1', jwks } : undefined),
 *   replay: jtiStore,
 * });
 * ```
 */
export async function verifyCommandToken(token: unknown, options: VerifyCommandTokenOptions): Promise<VerifiedCommand> {
  if (!isNonEmptyString(token)) throw invalidRequest('command_token is required');
  const now = options.now?.() ?? new Date();
  const skew = options.clockSkewSeconds ?? 30;

  let decoded: ReturnType<typeof decodeJwtUnverified>;
  try {
    decoded = decodeJwtUnverified(token);
  } catch (err) {
    throw invalidRequest('command_token is not a JWT', err);
  }
  const { header } = decoded;
  if (header['typ'] !== 'command+jwt') throw invalidRequest('the token typ must be command+jwt');
  if (typeof header['alg'] !== 'string' || forbiddenAlg(header['alg'])) throw invalidRequest('the token alg is not allowed');

  const iss = decoded.payload['iss'];
  if (!isNonEmptyString(iss)) throw invalidRequest('iss is required');
  const provider = await options.providers(iss);
  if (provider === undefined) throw new CommandError(401, 'unrecognized_provider', 'the issuer is not recognized');

  const { payload: claims } = await verifySignature(token, provider, iss, options, now, skew);

  const { aud } = claims;
  const audOk = aud === options.expectedAudience || (Array.isArray(aud) && aud.length === 1 && aud[0] === options.expectedAudience);
  if (!audOk) throw invalidRequest('aud must be this command endpoint');
  if (claims['client_id'] !== provider.clientId) throw invalidRequest('client_id does not match');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const { iat, exp, jti } = claims;
  if (typeof iat !== 'number' || iat > nowSeconds + skew) throw invalidRequest('iat is missing or in the future');
  if (typeof exp !== 'number' || exp + skew < nowSeconds) throw invalidRequest('the command token has expired');
  if (!isNonEmptyString(jti)) throw invalidRequest('jti is required');
  if (!(await options.replay.checkAndStore(iss, jti, exp))) throw invalidRequest('the command token was already used');
  if (Object.hasOwn(claims, 'nonce')) throw invalidRequest('a command token must not carry nonce');

  const wireCommand = claims['command'];
  if (!isNonEmptyString(wireCommand)) throw invalidRequest('command is required');
  const { tenant } = claims;
  if (!isNonEmptyString(tenant)) throw invalidRequest('tenant is required');
  const { kind, command, async } = classify(wireCommand);
  const base = { iss, tenant, clientId: provider.clientId, jti, wireCommand, claims };

  const callbackToken = claims['callback_token'];
  if (callbackToken !== undefined && !isNonEmptyString(callbackToken)) throw invalidRequest('callback_token must be a string');
  const withCallback = callbackToken === undefined ? {} : { callbackToken };
  const has = (name: string): boolean => Object.hasOwn(claims, name);

  if (kind === 'unknown') return { ...base, kind, command, async: false };
  if (kind === 'tenant') {
    const tenantCommand = command as TenantCommand;
    if (has('sub') || has('aud_sub')) throw invalidRequest('tenant commands must not carry sub or aud_sub');
    if (has('authentication_provider')) throw invalidRequest('authentication_provider is allowed only in migrate');
    if (callbackToken !== undefined && tenantCommand !== 'metadata' && tenantCommand !== 'audit_tenant') throw invalidRequest('callback_token is not allowed in this command');
    if (tenantCommand === 'metadata') {
      const metadata = claims['metadata'];
      if (!isRecord(metadata)) throw invalidRequest('metadata requires a metadata object');
      return { ...base, kind, command: tenantCommand, async: false, metadata, ...withCallback };
    }
    if (has('metadata')) throw invalidRequest('metadata is allowed only in the metadata command');
    return { ...base, kind, command: tenantCommand, async: false, ...withCallback };
  }

  const accountCommand = command as AccountCommand;
  const { sub } = claims;
  if (!isNonEmptyString(sub)) throw invalidRequest('account commands require sub');
  const audSub = claims['aud_sub'];
  if (audSub !== undefined && !isNonEmptyString(audSub)) throw invalidRequest('aud_sub must be a string');
  if (has('metadata')) throw invalidRequest('metadata is allowed only in the metadata command');
  if (callbackToken !== undefined && !async) throw invalidRequest('callback_token is allowed only in *_async commands');
  const provider_ = claims['authentication_provider'];
  let authenticationProvider: 'op' | 'op_migration' | undefined;
  if (accountCommand === 'migrate') {
    if (provider_ !== 'op' && provider_ !== 'op_migration') throw invalidRequest('migrate requires authentication_provider op or op_migration');
    authenticationProvider = provider_;
  } else if (provider_ !== undefined) {
    throw invalidRequest('authentication_provider is allowed only in migrate');
  }
  return {
    ...base,
    kind: 'account',
    command: accountCommand,
    async,
    sub,
    ...(audSub === undefined ? {} : { audSub }),
    ...(authenticationProvider === undefined ? {} : { authenticationProvider }),
    ...withCallback,
  };
}

/** Freezes a loaded JWKS (the set, its `keys` and each key) in place. */
function freezeJwks(jwks: JsonWebKeySet): JsonWebKeySet {
  if (typeof jwks === 'object' && jwks !== null && Array.isArray(jwks.keys)) {
    for (const jwk of jwks.keys) if (typeof jwk === 'object' && jwk !== null) Object.freeze(jwk);
    Object.freeze(jwks.keys);
    Object.freeze(jwks);
  }
  return jwks;
}

/**
 * Wraps a JWKS loader with a cache: the set is loaded once, and reloaded on `{ refresh: true }`
 * at most once per `minRefreshSeconds` (so a flood of unknown `kid`s cannot hammer the OP).
 *
 * @example
 * ```ts
 * const jwks = cachedJwks(async () => (await fetch(jwksUri)).json());
 * ```
 */
export function cachedJwks(
  load: () => Promise<JsonWebKeySet>,
  { minRefreshSeconds = 30, now = () => Date.now() }: { minRefreshSeconds?: number; now?: () => number } = {},
): (options?: { refresh?: boolean }) => Promise<JsonWebKeySet> {
  let current: Promise<JsonWebKeySet> | undefined;
  let loadedAt = 0;
  return (options) => {
    const stale = options?.refresh === true && now() - loadedAt >= minRefreshSeconds * 1000;
    if (current === undefined || stale) {
      loadedAt = now();
      // Frozen, so that @oidc-ref/crypto may keep the imported keys for this very object.
      const loading = load().then(freezeJwks);
      current = loading;
      loading.catch(() => {
        if (current === loading) current = undefined;
      });
    }
    return current;
  };
}
