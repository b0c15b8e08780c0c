import { InvalidRequest } from '../../errors.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import { pendingRecord, type CommandDeliveryRecord, type CommandDeliveryRepository, type NewCommandDelivery } from '../../repositories/command-delivery-repository.js';
import type { OrganizationRepository } from '../../repositories/organization-repository.js';
import type { LifecycleChange, UserLifecycleRepository } from '../../repositories/user-lifecycle-repository.js';
import type { UserRecord, UserRepository } from '../../repositories/user-repository.js';
import { commandEndpointFor } from './command-endpoint.js';
import { prepareCommand } from './enqueue-command.js';
import { profileClaimsOf } from './profile-claims.js';

/** OP lifecycle events that fan out to RPs, by the command they send. */
export const USER_LIFECYCLE_COMMANDS = ['activate', 'maintain', 'suspend', 'reactivate', 'archive', 'restore', 'delete', 'invalidate'] as const;
export type UserLifecycleCommand = (typeof USER_LIFECYCLE_COMMANDS)[number];

/** The `tenant` of a user's commands: their organisation's id, or `personal`. */
export const PERSONAL_TENANT = 'personal';

/**
 * What each lifecycle event does at the OP, in the transaction that enqueues its commands:
 * suspend and archive set the status and end the user's sessions and tokens; reactivate and
 * restore make the user active again; invalidate ends sessions and tokens only; delete removes
 * the user (after the deliveries are stored: they carry the `sub`).
 */
export const LIFECYCLE_CHANGES: Readonly<Record<UserLifecycleCommand, LifecycleChange>> = Object.freeze({
  activate: {},
  maintain: {},
  suspend: { status: 'suspended', invalidate: true },
  reactivate: { status: 'active' },
  archive: { status: 'archived', invalidate: true },
  restore: { status: 'active' },
  delete: { delete: true },
  invalidate: { invalidate: true },
});

export interface FanOutUserCommandOptions {
  deliveries: CommandDeliveryRepository;
  clients: Pick<ClientRepository, 'findById'>;
  users: Pick<UserRepository, 'findById'>;
  userLifecycle: Pick<UserLifecycleRepository, 'apply'>;
  organizations: Pick<OrganizationRepository, 'groupIdsOf'>;
  now: Date;
  onEnqueued?: (delivery: CommandDeliveryRecord) => void;
  /** The user, when the caller has just read it (`users.findById` is then skipped); must be `userId`'s. */
  user?: UserRecord;
}

export function isLifecycleCommand(command: string): command is UserLifecycleCommand {
  return (USER_LIFECYCLE_COMMANDS as readonly string[]).includes(command);
}

/** The commands for every client with a command endpoint for `tenant` where the user signed in. */
async function commandsFor(user: UserRecord, command: UserLifecycleCommand, tenant: string, options: FanOutUserCommandOptions): Promise<NewCommandDelivery[]> {
  const claims = command === 'activate' || command === 'maintain' ? await profileClaimsOf(user, options) : undefined;
  const rows: NewCommandDelivery[] = [];
  for (const clientId of await options.deliveries.clientIdsSignedInBy(user.id)) {
    const client = await options.clients.findById(clientId);
    if (!client || commandEndpointFor(client, tenant) === undefined) continue;
    rows.push(await prepareCommand({ clientId, command, tenant, sub: user.id, ...(claims && { claims }) }, options));
  }
  return rows;
}

/** Stores the commands and the OP-side change in one transaction, then wakes the worker. */
async function commit(
  user: UserRecord,
  change: LifecycleChange,
  rows: NewCommandDelivery[],
  options: FanOutUserCommandOptions,
): Promise<CommandDeliveryRecord[] | null> {
  const ids = await options.userLifecycle.apply(user.id, change, rows, options.now);
  if (ids === null) return null;
  const deliveries = ids.map((id, i) => pendingRecord(id, rows[i]!));
  for (const delivery of deliveries) options.onEnqueued?.(delivery);
  return deliveries;
}

/**
 * Enqueues `command` for `userId` at every client with a command endpoint for the user's tenant
 * where the user has signed in (see `clientIdsSignedInBy`), with `tenant` = the user's
 * organisation id or `personal`, and applies the event at the OP ({@link LIFECYCLE_CHANGES}) in
 * the same transaction. `activate` / `maintain` carry the user's profile claims (with `groups`).
 * Returns the deliveries made (possibly none), or null for an unknown user.
 *
 * @throws InvalidRequest for a command that is not a lifecycle one.
 * @example
 * const deliveries = await fanOutUserCommand(user.id, 'suspend', options);
 */
export async function fanOutUserCommand(userId: string, command: string, options: FanOutUserCommandOptions): Promise<CommandDeliveryRecord[] | null> {
  if (!isLifecycleCommand(command)) throw new InvalidRequest(`unsupported lifecycle command: ${command}`);
  const user = options.user?.id === userId ? options.user : await options.users.findById(userId);
  if (!user) return null;
  const tenant = user.organization?.id ?? PERSONAL_TENANT;
  return commit(user, LIFECYCLE_CHANGES[command], await commandsFor(user, command, tenant, options), options);
}

/**
 * A leaver: the organisation's tenant gets `archive` at every RP where the user signed in (the
 * account leaves the active register but stays restorable), and the user becomes `personal`
 * (and leaves the organisation's groups), in one transaction. Returns null for an unknown user.
 *
 * @throws InvalidRequest for a user who belongs to no organisation.
 */
export async function removeFromOrganization(userId: string, options: FanOutUserCommandOptions): Promise<CommandDeliveryRecord[] | null> {
  const user = await options.users.findById(userId);
  if (!user) return null;
  if (!user.organization) throw new InvalidRequest('the user belongs to no organisation');
  const rows = await commandsFor(user, 'archive', user.organization.id, options);
  return commit(user, { leaveOrganization: true }, rows, options);
}
