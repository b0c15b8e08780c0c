import type { ClientRecord } from '../repositories/client-repository.js';

export interface Jwks {
  keys: Array<Record<string, unknown>>;
}

export interface ClientKeysOptions {
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** How long a fetched jwks_uri document is reused. */
  cacheSeconds?: number;
  timeoutMs?: number;
  maxBytes?: number;
  now?: () => Date;
}

export class ClientKeysError extends Error {}

/**
 * A client's public keys (OIDC Registration §2): its registered `jwks`, or the document at its
 * `jwks_uri`, fetched with a timeout and a size cap (an OP fetching client-supplied URLs is an
 * SSRF surface), cached, and refetched at most once per call when a key id is unknown.
 */
export function clientKeys(options: ClientKeysOptions = {}) {
  const doFetch = options.fetch ?? fetch;
  const cacheMs = (options.cacheSeconds ?? 300) * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, { jwks: Jwks; fetchedAt: number }>();

  async function fetchJwks(uri: string): Promise<Jwks> {
    let response: Response;
    try {
      response = await doFetch(uri, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new ClientKeysError(`jwks_uri could not be fetched: ${(err as Error).message}`);
    }
    if (!response.ok) throw new ClientKeysError(`jwks_uri answered ${response.status}`);
    const text = await response.text();
    if (Buffer.byteLength(text) > maxBytes) throw new ClientKeysError('jwks_uri document is too large');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ClientKeysError('jwks_uri did not return JSON');
    }
    const keys = (parsed as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) throw new ClientKeysError('jwks_uri did not return a JWK set');
    const jwks = { keys: keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null) };
    cache.set(uri, { jwks, fetchedAt: now().getTime() });
    return jwks;
  }

  return {
    /**
     * The client's keys. With `kid`, a cached jwks_uri document that lacks it is refetched once
     * (the client may have rotated).
     */
    async jwksFor(client: ClientRecord, kid?: string): Promise<Jwks> {
      const { jwks, jwks_uri: uri } = client.metadata;
      if (jwks) return jwks as Jwks;
      if (!uri) throw new ClientKeysError('the client registered no keys (jwks or jwks_uri)');
      const cached = cache.get(uri);
      const fresh = cached && now().getTime() - cached.fetchedAt < cacheMs;
      if (cached && fresh && (kid === undefined || cached.jwks.keys.some((key) => key.kid === kid))) return cached.jwks;
      return fetchJwks(uri);
    },
  };
}
export type ClientKeys = ReturnType<typeof clientKeys>;
