import { InvalidScope } from '../../errors.js';
import type { ClientRecord } from '../../repositories/client-repository.js';

/**
 * A `scope` parameter as a list (RFC 6749 §3.3: space-delimited, case-sensitive), duplicates
 * dropped; `undefined` when the parameter is absent.
 */
export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return [...new Set(value.split(' ').filter((scope) => scope !== ''))];
}

/** The client's registered `scope` metadata member (RFC 7591 §2), as a list. */
export function registeredScope(client: ClientRecord): string[] {
  const value = (client.metadata as { scope?: unknown }).scope;
  return typeof value === 'string' ? (parseScope(value) ?? []) : [];
}

/**
 * The scope of a refreshed access token (RFC 6749 §6): the requested scope, which must be a
 * subset of the original grant, or the whole original grant when none is requested.
 */
export function narrowScope(requested: string[] | undefined, granted: string[]): string[] {
  if (requested === undefined) return granted;
  const extra = requested.filter((scope) => !granted.includes(scope));
  if (extra.length > 0) throw new InvalidScope('the requested scope exceeds the scope originally granted');
  return granted.filter((scope) => requested.includes(scope));
}

/**
 * The scope of a client_credentials or password token: the requested scope must be a subset of
 * `allowed`; with none requested, `fallback`. `forbidden` values (e.g. `openid` when there is no
 * user) are refused outright.
 */
export function allowedScope(
  requested: string[] | undefined,
  options: { allowed: readonly string[]; fallback: readonly string[]; forbidden?: readonly string[] },
): string[] {
  const forbidden = options.forbidden ?? [];
  if (requested === undefined) return options.fallback.filter((scope) => !forbidden.includes(scope));
  if (requested.some((scope) => forbidden.includes(scope))) {
    throw new InvalidScope(`${forbidden.join(', ')} cannot be requested with this grant`);
  }
  if (requested.some((scope) => !options.allowed.includes(scope))) {
    throw new InvalidScope('the requested scope is not allowed for this client');
  }
  return requested;
}
