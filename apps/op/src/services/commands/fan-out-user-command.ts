import { InvalidRequest } from '../../errors.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import type { CommandDeliveryRecord, CommandDeliveryRepository } from '../../repositories/command-delivery-repository.js';
import type { UserRepository } from '../../repositories/user-repository.js';
import { commandEndpointFor } from './command-endpoint.js';
import { enqueueCommand } from './enqueue-command.js';

/** OP lifecycle events that fan out to RPs, by the command they send. */
export const USER_LIFECYCLE_COMMANDS = ['suspend', 'reactivate', 'archive', 'restore', 'delete', 'invalidate'] as const;
export type UserLifecycleCommand = (typeof USER_LIFECYCLE_COMMANDS)[number];

/** The `tenant` of a user's commands: their organisation's id, or `personal`. */
export const PERSONAL_TENANT = 'personal';

export interface FanOutUserCommandOptions {
  deliveries: CommandDeliveryRepository;
  clients: Pick<ClientRepository, 'findById'>;
  users: Pick<UserRepository, 'findById'>;
  now: Date;
  onEnqueued?: (delivery: CommandDeliveryRecord) => void;
}

/**
 * Enqueues `command` for `userId` at every client with a command endpoint for the user's tenant where the user has
 * signed in (see `clientIdsSignedInBy`), with `tenant` = the user's organisation id or
 * `personal`. Returns the deliveries made (possibly none), or null for an unknown user.
 *
 * @throws InvalidRequest for a command that is not a lifecycle one.
 * @example
 * const deliveries = await fanOutUserCommand(user.id, 'suspend', options);
 */
export async function fanOutUserCommand(userId: string, command: string, options: FanOutUserCommandOptions): Promise<CommandDeliveryRecord[] | null> {
  if (!(USER_LIFECYCLE_COMMANDS as readonly string[]).includes(command)) throw new InvalidRequest(`unsupported lifecycle command: ${command}`);
  const user = await options.users.findById(userId);
  if (!user) return null;
  const tenant = user.organization?.id ?? PERSONAL_TENANT;
  const deliveries: CommandDeliveryRecord[] = [];
  for (const clientId of await options.deliveries.clientIdsSignedInBy(userId)) {
    const client = await options.clients.findById(clientId);
    if (!client || commandEndpointFor(client, tenant) === undefined) continue;
    deliveries.push(await enqueueCommand({ clientId, command, tenant, sub: userId }, options));
  }
  return deliveries;
}
