import { CommandError, DRAFT_00_ALIASES, commandTokenClaims, isAccountCommand, isTenantCommand, type CommandName } from '@oidc-ref/op-commands';
import { InvalidRequest } from '../../errors.js';
import type { CommandDeliveryRecord, CommandDeliveryRepository } from '../../repositories/command-delivery-repository.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import { commandEndpointFor } from './command-endpoint.js';

export interface EnqueueCommandInput {
  clientId: string;
  /** A draft 02 command name; draft 00's `unauthorize` / `unauthorize_tenant` are mapped. */
  command: string;
  tenant: string;
  sub?: string;
  /** Profile claims (activate / maintain only). */
  claims?: Record<string, unknown>;
}

export interface EnqueueCommandOptions {
  deliveries: CommandDeliveryRepository;
  clients: Pick<ClientRepository, 'findById'>;
  now: Date;
  /** Called after the row is stored, e.g. to wake the delivery worker. */
  onEnqueued?: (delivery: CommandDeliveryRecord) => void;
}

/**
 * Commands the outbox can deliver: every account command and the tenant commands that need
 * nothing from the OP at delivery time. `metadata` (the OP's metadata object) and `migrate`
 * (`authentication_provider`) need input the outbox does not store yet.
 */
function deliverable(command: string): command is CommandName {
  if (command === 'metadata' || command === 'migrate' || command === 'migrate_async') return false;
  return isAccountCommand(command) || isTenantCommand(command);
}

/**
 * Validates a command for one RP with draft 02's claim rules (the same `commandTokenClaims` the
 * worker mints with, so a command that could never be minted never enters the outbox) and
 * stores it as `pending`.
 *
 * @throws InvalidRequest for an unknown client, a client without a command endpoint for the tenant, an unknown
 *   or unsupported command, or claims the command does not allow.
 * @example
 * const delivery = await enqueueCommand({ clientId: 'rp', command: 'suspend', tenant: 'acme', sub: user.id }, options);
 */
export async function enqueueCommand(input: EnqueueCommandInput, options: EnqueueCommandOptions): Promise<CommandDeliveryRecord> {
  const command = DRAFT_00_ALIASES[input.command] ?? input.command;
  if (!deliverable(command)) throw new InvalidRequest(`unknown or unsupported command: ${input.command}`);
  if (typeof input.tenant !== 'string' || input.tenant.length === 0) throw new InvalidRequest('tenant is required');
  const client = await options.clients.findById(input.clientId);
  if (!client) throw new InvalidRequest('unknown client_id');
  const endpoint = commandEndpointFor(client, input.tenant);
  if (endpoint === undefined) throw new InvalidRequest(`the client has no command_endpoint for tenant ${input.tenant}`);
  try {
    commandTokenClaims({
      issuer: 'urn:validate',
      commandEndpoint: endpoint,
      clientId: client.id,
      tenant: input.tenant,
      command,
      ...(input.sub !== undefined && { sub: input.sub }),
      ...(input.claims !== undefined && { claims: input.claims }),
      now: options.now,
    });
  } catch (err) {
    if (err instanceof CommandError) throw new InvalidRequest(err.message);
    throw err;
  }
  const delivery = await options.deliveries.create({
    clientId: client.id,
    command,
    tenant: input.tenant,
    ...(input.sub !== undefined && { sub: input.sub }),
    ...(input.claims !== undefined && { claims: input.claims }),
    now: options.now,
  });
  options.onEnqueued?.(delivery);
  return delivery;
}
