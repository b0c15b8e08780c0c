import { CommandError, DRAFT_00_ALIASES, commandTokenClaims, isAccountCommand, isTenantCommand, type CommandName } from '@oidc-ref/op-commands';
import { InvalidRequest } from '../../errors.js';
import type { CommandDeliveryRecord, CommandDeliveryRepository, NewCommandDelivery } from '../../repositories/command-delivery-repository.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import { commandEndpointFor } from './command-endpoint.js';

/**
 * One command for one RP: a row of the outbox before it is stored. `command` may be a draft 00
 * name (`unauthorize` / `unauthorize_tenant`, mapped); `claims` only for activate / maintain;
 * `authenticationProvider` only for (and required by) `migrate` / `migrate_async`.
 */
export type EnqueueCommandInput = Omit<NewCommandDelivery, 'now'>;

export interface EnqueueCommandOptions {
  deliveries: CommandDeliveryRepository;
  clients: Pick<ClientRepository, 'findById'>;
  now: Date;
  /** Called after the row is stored, e.g. to wake the delivery worker. */
  onEnqueued?: (delivery: CommandDeliveryRecord) => void;
}

/** Every account and tenant command (the `metadata` claim and callback tokens are built at mint time). */
function deliverable(command: string): command is CommandName {
  return isAccountCommand(command) || isTenantCommand(command);
}

/** Values of `authentication_provider` the OP asks for in `migrate` (§5.4). */
export const AUTHENTICATION_PROVIDERS = ['op', 'op_migration'] as const;

function authenticationProviderOf(value: string | undefined): 'op' | 'op_migration' | undefined {
  if (value === undefined) return undefined;
  if (!(AUTHENTICATION_PROVIDERS as readonly string[]).includes(value)) throw new InvalidRequest('authentication_provider must be op or op_migration');
  return value as 'op' | 'op_migration';
}

/**
 * Validates a command for one RP with draft 02's claim rules (the same `commandTokenClaims` the
 * worker mints with, so a command that could never be minted never enters the outbox) and
 * returns the row to store.
 *
 * @throws InvalidRequest for an unknown client, a client without a command endpoint for the tenant, an unknown
 *   or unsupported command, or claims the command does not allow.
 */
export async function prepareCommand(
  input: EnqueueCommandInput,
  options: Pick<EnqueueCommandOptions, 'clients' | 'now'>,
): Promise<NewCommandDelivery> {
  const command = DRAFT_00_ALIASES[input.command] ?? input.command;
  if (!deliverable(command)) throw new InvalidRequest(`unknown or unsupported command: ${input.command}`);
  if (typeof input.tenant !== 'string' || input.tenant.length === 0) throw new InvalidRequest('tenant is required');
  const client = await options.clients.findById(input.clientId);
  if (!client) throw new InvalidRequest('unknown client_id');
  const endpoint = commandEndpointFor(client, input.tenant);
  if (endpoint === undefined) throw new InvalidRequest(`the client has no command_endpoint for tenant ${input.tenant}`);
  const authenticationProvider = authenticationProviderOf(input.authenticationProvider);
  try {
    commandTokenClaims({
      issuer: 'urn:validate',
      commandEndpoint: endpoint,
      clientId: client.id,
      tenant: input.tenant,
      command,
      ...(input.sub !== undefined && { sub: input.sub }),
      ...(input.claims !== undefined && { claims: input.claims }),
      ...(command === 'metadata' && { metadata: {} }),
      ...(authenticationProvider !== undefined && { authenticationProvider }),
      now: options.now,
    });
  } catch (err) {
    if (err instanceof CommandError) throw new InvalidRequest(err.message);
    throw err;
  }
  return {
    clientId: client.id,
    command,
    tenant: input.tenant,
    ...(input.sub !== undefined && { sub: input.sub }),
    ...(input.claims !== undefined && { claims: input.claims }),
    ...(authenticationProvider !== undefined && { authenticationProvider }),
    now: options.now,
  };
}

/**
 * Validates a command (see {@link prepareCommand}) and stores it as `pending`.
 *
 * @throws InvalidRequest as {@link prepareCommand}.
 * @example
 * const delivery = await enqueueCommand({ clientId: 'rp', command: 'suspend', tenant: 'acme', sub: user.id }, options);
 */
export async function enqueueCommand(input: EnqueueCommandInput, options: EnqueueCommandOptions): Promise<CommandDeliveryRecord> {
  const delivery = await options.deliveries.create(await prepareCommand(input, options));
  options.onEnqueued?.(delivery);
  return delivery;
}
