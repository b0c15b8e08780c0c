import { readJsonAnswer, type CommandOutcome } from '@oidc-ref/op-commands';
import type { ClientRepository } from '../../repositories/client-repository.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';
import { mintLogoutToken, type MintLogoutTokenDeps } from './logout-token.js';

export interface DeliverLogoutOptions extends MintLogoutTokenDeps {
  clients: Pick<ClientRepository, 'findById'>;
  issuer: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now: Date;
}

/**
 * What an RP's answer to a logout request means (§2.8, §2.5): 200 and 204 (any 2xx) are
 * success; 5xx, 408 and 429 are worth another try with a fresh token; anything else, 400
 * above all (the RP refused the token), is permanent: the RP would refuse it again.
 */
export function interpretLogoutResponse(status: number, body: unknown): CommandOutcome {
  if (status >= 200 && status < 300) return { kind: 'succeeded', status };
  if (status >= 500 || status === 408 || status === 429) return { kind: 'retry', status, reason: `the RP answered ${status}` };
  const json = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const error = typeof json?.error === 'string' ? json.error : `http_${status}`;
  const description = typeof json?.error_description === 'string' ? json.error_description : undefined;
  return { kind: 'rejected', status, error, ...(description !== undefined && { errorDescription: description }) };
}

/** One attempt: what the RP's answer means, or why nothing could be sent at all (the row fails). */
export type LogoutAttempt = { outcome: CommandOutcome } | { undeliverable: string };

/**
 * One attempt at an outbox row of kind `backchannel_logout` (Back-Channel Logout 1.0 §2.5):
 * mints a fresh Logout Token (new `jti`, `iat`, `exp`) for the row's client, `sub` and `sid`,
 * and POSTs `logout_token=…` form-encoded to its `backchannel_logout_uri`, without following
 * redirects. A client that is gone or no longer has a `backchannel_logout_uri` is
 * `undeliverable` (the row fails, nothing was sent); network errors and timeouts are retried.
 * The caller records an outcome like a command's.
 *
 * @example
 * const outcome = await deliverBackchannelLogout(row, { clients, keys, issuer, now: new Date() });
 */
export async function deliverBackchannelLogout(row: CommandDeliveryRecord, options: DeliverLogoutOptions): Promise<LogoutAttempt> {
  try {
    return await attemptOnce(row, options);
  } catch (err) {
    return { outcome: { kind: 'retry', reason: `could not deliver: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

async function attemptOnce(row: CommandDeliveryRecord, options: DeliverLogoutOptions): Promise<LogoutAttempt> {
  const client = await options.clients.findById(row.clientId);
  const uri = client?.metadata.backchannel_logout_uri;
  if (!client) return { undeliverable: 'the client no longer exists' };
  if (uri === undefined) return { undeliverable: 'the client no longer has a backchannel_logout_uri' };
  if (row.sub === null) return { undeliverable: 'the delivery has no sub' };
  let token: string;
  try {
    token = await mintLogoutToken(options, {
      issuer: options.issuer,
      client,
      sub: row.sub,
      ...(row.sid !== null && { sid: row.sid }),
      now: options.now,
    });
  } catch (err) {
    // A signing or encryption problem (e.g. the client's jwks_uri is down): worth another try.
    return { outcome: { kind: 'retry', reason: `could not mint the logout token: ${err instanceof Error ? err.message : String(err)}` } };
  }
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ logout_token: token }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    return { outcome: { kind: 'retry', reason: `could not reach the backchannel_logout_uri: ${err instanceof Error ? err.message : String(err)}` } };
  }
  return { outcome: interpretLogoutResponse(response.status, await readJsonAnswer(response)) };
}
