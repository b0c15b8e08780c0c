import type { AppDeps } from '../app.js';
import type { CommandDeliveryRecord } from '../repositories/command-delivery-repository.js';
import { fanOutUserCommand, removeFromOrganization, type FanOutUserCommandOptions } from './commands/fan-out-user-command.js';
import { endSessions } from './logout/end-sessions.js';

/** Lifecycle events that end the user's OP sessions: their RPs also get a Back-Channel Logout. */
const ENDS_SESSIONS = new Set(['suspend', 'archive', 'invalidate', 'delete']);

type Deps = Pick<AppDeps, 'repos' | 'logger' | 'now' | 'onCommandEnqueued'>;

/**
 * What an administrator can do to a user, from the admin API and the console alike: sign them
 * out everywhere, apply a lifecycle event (with its Provider Commands fan-out), or take them out
 * of their organisation. Every function returns the deliveries it enqueued, or null for an
 * unknown user.
 */
export function adminUserEvents(deps: Deps) {
  const fanOutOptions = (): FanOutUserCommandOptions => ({
    deliveries: deps.repos.commandDeliveries,
    clients: deps.repos.clients,
    users: deps.repos.users,
    userLifecycle: deps.repos.userLifecycle,
    organizations: deps.repos.organizations,
    now: deps.now(),
    onEnqueued: () => deps.onCommandEnqueued?.(),
  });

  /** Ends every OP session of the user: each client that took part gets a Back-Channel Logout. */
  async function signOutEverywhere(userId: string): Promise<{ sessionsEnded: number; deliveries: CommandDeliveryRecord[] }> {
    const { ended, deliveryIds } = await endSessions(
      { userId },
      { logout: deps.repos.logout, clients: deps.repos.clients, now: deps.now(), onEnqueued: () => deps.onCommandEnqueued?.() },
    );
    const deliveries = (await Promise.all(deliveryIds.map((id) => deps.repos.commandDeliveries.findById(id)))).filter(
      (row): row is CommandDeliveryRecord => row !== null,
    );
    if (ended.length > 0) deps.logger.info({ user: userId, sessions: ended.length, backchannel: deliveries.length }, 'OP sessions ended (admin)');
    return { sessionsEnded: ended.length, deliveries };
  }

  return {
    signOutEverywhere,
    /**
     * Applies a lifecycle event at the OP and fans the command out (see `fanOutUserCommand`).
     * Suspend, archive, invalidate and delete first sign the user out everywhere, while the
     * sessions and their participants still exist, so RPs without a command endpoint learn of it
     * through Back-Channel Logout.
     *
     * @throws InvalidRequest for a command that is not a lifecycle one.
     */
    async lifecycle(userId: string, command: string): Promise<CommandDeliveryRecord[] | null> {
      const user = ENDS_SESSIONS.has(command) ? await deps.repos.users.findById(userId) : undefined;
      const loggedOut = user ? (await signOutEverywhere(userId)).deliveries : [];
      // The user just read is passed on when nothing changed it since (no session ended): the
      // fan-out then does not read it again.
      const deliveries = await fanOutUserCommand(userId, command, { ...fanOutOptions(), ...(user && loggedOut.length === 0 && { user }) });
      return deliveries === null ? null : [...deliveries, ...loggedOut];
    },
    removeFromOrganization: (userId: string) => removeFromOrganization(userId, fanOutOptions()),
  };
}
