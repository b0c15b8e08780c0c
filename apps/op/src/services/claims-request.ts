// The `claims` authorization request parameter (OIDC Core §5.5): parsing, and the facts the
// rest of the OP needs from it. Pure functions: no I/O.
import { InvalidRequest } from '../errors.js';
import { scopeOfClaim } from './standard-claims.js';

/** One requested claim (§5.5.1). Members this OP does not understand are dropped. */
export interface ClaimRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown[];
}

/** Claim name → `null` (requested in the default manner) or its request. */
export type ClaimRequestMembers = Record<string, ClaimRequest | null>;

/** A normalised claims request: only the `id_token` and `userinfo` members are kept. */
export interface ClaimsRequest {
  id_token?: ClaimRequestMembers;
  userinfo?: ClaimRequestMembers;
}

const TARGETS = ['id_token', 'userinfo'] as const;
/** Far more than the standard claims: a bound on work, not a feature limit. */
const MAX_CLAIMS_PER_TARGET = 100;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normaliseClaim(name: string, target: string, request: unknown): ClaimRequest | null {
  if (request === null) return null;
  if (!isPlainObject(request)) throw new InvalidRequest(`claims.${target}.${name} must be null or an object`);
  const out: ClaimRequest = {};
  if (request.essential !== undefined) {
    if (typeof request.essential !== 'boolean') throw new InvalidRequest(`claims.${target}.${name}.essential must be a boolean`);
    out.essential = request.essential;
  }
  if (request.value !== undefined) out.value = request.value;
  if (request.values !== undefined) {
    if (!Array.isArray(request.values)) throw new InvalidRequest(`claims.${target}.${name}.values must be an array`);
    out.values = request.values;
  }
  return out;
}

function normaliseMembers(target: string, members: unknown): ClaimRequestMembers {
  if (!isPlainObject(members)) throw new InvalidRequest(`claims.${target} must be a JSON object`);
  const names = Object.keys(members);
  if (names.length > MAX_CLAIMS_PER_TARGET) throw new InvalidRequest(`claims.${target} requests too many claims`);
  const out: ClaimRequestMembers = {};
  for (const name of names) {
    if (name === '') continue;
    out[name] = normaliseClaim(name, target, members[name]);
  }
  return out;
}

/** Normalises a parsed claims object; unknown top-level members are ignored (§5.5). */
export function normaliseClaimsRequest(parsed: unknown): ClaimsRequest | undefined {
  if (!isPlainObject(parsed)) throw new InvalidRequest('claims must be a JSON object');
  const out: ClaimsRequest = {};
  for (const target of TARGETS) {
    if (parsed[target] !== undefined) out[target] = normaliseMembers(target, parsed[target]);
  }
  return out.id_token === undefined && out.userinfo === undefined ? undefined : out;
}

/**
 * Parses the `claims` parameter: a JSON object whose `id_token` / `userinfo` members map claim
 * names to `null` or `{ essential, value, values }`. Anything else is `invalid_request`.
 *
 * @example
 * ```ts
 * parseClaimsParameter('{"id_token":{"email":null,"acr":{"essential":true,"values":["urn:x"]}}}');
 * ```
 */
export function parseClaimsParameter(value: string): ClaimsRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidRequest('claims is not valid JSON');
  }
  return normaliseClaimsRequest(parsed);
}

/**
 * A claims request read back from storage (an authorization code's `claims` column): whatever
 * does not have the right shape is treated as absent, never as an error.
 */
export function readStoredClaimsRequest(stored: unknown): ClaimsRequest | undefined {
  if (stored === null || stored === undefined) return undefined;
  try {
    return normaliseClaimsRequest(stored);
  } catch {
    return undefined;
  }
}

/** One member (`id_token` or `userinfo`) read back from storage, e.g. an access token's `claims`. */
export function readStoredClaimMembers(stored: unknown): ClaimRequestMembers | undefined {
  if (!isPlainObject(stored)) return undefined;
  try {
    return normaliseMembers('stored', stored);
  } catch {
    return undefined;
  }
}

/**
 * The user a claims request names with `sub: { value }` (§3.1.2.2, §5.5.1): tokens may only be
 * issued for that user. Both members naming different users, or a non-string value, is
 * `invalid_request`.
 */
export function requestedSubject(claims: ClaimsRequest | undefined): string | undefined {
  const named = TARGETS.map((target) => claims?.[target]?.sub?.value).filter((value) => value !== undefined);
  if (named.some((value) => typeof value !== 'string' || value === '')) {
    throw new InvalidRequest('claims: sub value must be a non-empty string');
  }
  const subjects = [...new Set(named as string[])];
  if (subjects.length > 1) throw new InvalidRequest('claims: id_token and userinfo request different sub values');
  return subjects[0];
}

/**
 * The acr values an essential `acr` request accepts (§5.5.1.1): one of them MUST be met, or the
 * request fails. Undefined when acr is not essential or names no value (voluntary).
 */
export function essentialAcrValues(claims: ClaimsRequest | undefined): string[] | undefined {
  const acr = claims?.id_token?.acr;
  if (!acr?.essential) return undefined;
  const values = [...(acr.values ?? []), ...(acr.value !== undefined ? [acr.value] : [])].filter(
    (value): value is string => typeof value === 'string',
  );
  return values.length > 0 ? values : undefined;
}

/**
 * The scopes whose consent covers the standard claims requested in either member: releasing
 * `email` through the claims parameter needs the same consent as the `email` scope (§3.1.2.4).
 */
export function claimScopes(claims: ClaimsRequest | undefined): string[] {
  const names = TARGETS.flatMap((target) => Object.keys(claims?.[target] ?? {}));
  return [...new Set(names.map(scopeOfClaim).filter((scope): scope is string => scope !== undefined))];
}
