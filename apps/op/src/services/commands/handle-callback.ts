import { InvalidRequest, InvalidToken } from '../../errors.js';
import type { CallbackTokenRecord, CommandCallbackRepository } from '../../repositories/command-callback-repository.js';
import type { CommandDeliveryRepository } from '../../repositories/command-delivery-repository.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import { hashCallbackToken } from './callback-tokens.js';
import { enqueueCommand } from './enqueue-command.js';

export interface HandleCallbackOptions {
  callbacks: Pick<CommandCallbackRepository, 'revokeForDelivery'>;
  deliveries: CommandDeliveryRepository;
  clients: Pick<ClientRepository, 'findById'>;
  now: Date;
  onEnqueued?: () => void;
}

/** What a callback did: stored an async result, or enqueued a refresh (or found one queued). */
export type CallbackEffect = { kind: 'result'; deliveryId: string } | { kind: 'refresh'; deliveryId: string; command: 'metadata' | 'audit_tenant' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The live callback token presented as a bearer credential, found by its hash.
 *
 * @throws InvalidToken for an unknown, expired or spent token.
 */
export async function findCallbackToken(
  token: string,
  options: { callbacks: Pick<CommandCallbackRepository, 'findLive'>; now: Date },
): Promise<CallbackTokenRecord> {
  const record = await options.callbacks.findLive(hashCallbackToken(token), options.now);
  if (!record) throw new InvalidToken('the callback token is unknown, expired or already used');
  return record;
}

/**
 * A POST to the callback endpoint (§5.2, §6.1, §6.3) with `Authorization: Bearer <callback_token>`:
 *
 * - a token from an `*_async` command takes that command's result `{sub, account_state, ...}`
 *   (`sub` must be the command's): stored on the delivery, which becomes `completed`; the
 *   delivery's tokens are then spent (single use);
 * - a token from the latest `metadata` / `audit_tenant` command takes `{"command_requested": <that
 *   command>}` and enqueues the command again for the same client and tenant (not stacked: one
 *   already waiting is enough).
 *
 * @throws InvalidRequest (400) for a body that is malformed or does not fit the token's purpose;
 *   InvalidToken (401) when the command's delivery is gone.
 */
export async function handleCallback(record: CallbackTokenRecord, body: unknown, options: HandleCallbackOptions): Promise<CallbackEffect> {
  if (!isObject(body)) throw new InvalidRequest('the body must be a JSON object');

  if (record.purpose === 'async_result') {
    if (Object.hasOwn(body, 'command_requested')) throw new InvalidRequest('this callback token is for an asynchronous result, not a command request');
    const delivery = await options.deliveries.findById(record.deliveryId);
    if (!delivery) throw new InvalidToken('the callback token is unknown, expired or already used');
    if (typeof body.sub !== 'string' || typeof body.account_state !== 'string') throw new InvalidRequest('an asynchronous result needs sub and account_state');
    if (body.sub !== delivery.sub) throw new InvalidRequest('sub is not the subject of the command');
    await options.deliveries.recordCallback(delivery.id, body, options.now);
    await options.callbacks.revokeForDelivery(delivery.id);
    return { kind: 'result', deliveryId: delivery.id };
  }

  const requested = body.command_requested;
  if (Object.keys(body).length !== 1 || typeof requested !== 'string') throw new InvalidRequest('the body must be {"command_requested": "metadata" | "audit_tenant"}');
  if (requested !== record.purpose) throw new InvalidRequest(`this callback token may request ${record.purpose} only`);
  const open = await options.deliveries.findOpen(record.clientId, record.tenant, requested);
  if (open) return { kind: 'refresh', deliveryId: open.id, command: requested };
  const delivery = await enqueueCommand(
    { clientId: record.clientId, command: requested, tenant: record.tenant },
    { deliveries: options.deliveries, clients: options.clients, now: options.now, ...(options.onEnqueued && { onEnqueued: options.onEnqueued }) },
  );
  return { kind: 'refresh', deliveryId: delivery.id, command: record.purpose };
}
