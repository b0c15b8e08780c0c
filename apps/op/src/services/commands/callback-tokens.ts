import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { CallbackPurpose, CommandCallbackRepository } from '../../repositories/command-callback-repository.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';

/** The path of the callback endpoint under the issuer (`callback_endpoint` in `metadata`). */
export const CALLBACK_PATH = '/commands/callback';

/** What a callback token minted into `command` lets the RP POST, if the command carries one (§4). */
export function callbackPurposeOf(command: string): CallbackPurpose | undefined {
  if (command.endsWith('_async')) return 'async_result';
  if (command === 'metadata' || command === 'audit_tenant') return command;
  return undefined;
}

/** The stored form of a callback token: base64url SHA-256 (a bearer secret is never stored). */
export function hashCallbackToken(token: string): string {
  return sha256Base64Url(token);
}

/**
 * Issues a fresh callback token for one delivery attempt, if its command carries one: 256 random
 * bits, stored only as a hash, scoped to the delivery's client, tenant, command and delivery.
 * An async result token expires after `ttlSeconds`; a `metadata` / `audit_tenant` refresh token
 * has no expiry and is replaced when a newer exchange of the same kind succeeds. Every attempt
 * gets its own token and all of a delivery's tokens stay valid, so an RP that got an attempt
 * whose answer was lost can still call back.
 *
 * @example
 * const token = await issueCallbackToken(row, { callbacks, now, ttlSeconds: 86400 }); // undefined for `suspend`
 */
export async function issueCallbackToken(
  row: Pick<CommandDeliveryRecord, 'id' | 'clientId' | 'tenant' | 'command'>,
  options: { callbacks: Pick<CommandCallbackRepository, 'issue'>; now: Date; ttlSeconds: number },
): Promise<string | undefined> {
  const purpose = callbackPurposeOf(row.command);
  if (purpose === undefined) return undefined;
  const token = randomToken(32);
  await options.callbacks.issue({
    tokenHash: hashCallbackToken(token),
    deliveryId: row.id,
    clientId: row.clientId,
    tenant: row.tenant,
    command: row.command,
    purpose,
    expiresAt: purpose === 'async_result' ? new Date(options.now.getTime() + options.ttlSeconds * 1000) : null,
    now: options.now,
  });
  return token;
}
