import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../../app.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';
import { fanOutUserCommand } from '../../services/commands/fan-out-user-command.js';
import { endSessions } from '../../services/logout/end-sessions.js';
import { deliveryView } from './commands.js';

/**
 * `POST /admin/users/:id/logout` ("sign this user out everywhere": every OP session of the user
 * ends and every client that took part gets a Back-Channel Logout; docs/logout.md), and
 * `POST /admin/users/:id/{suspend,reactivate,archive,restore,delete,invalidate}`: fans the
 * matching command out to every RP (with a `command_endpoint`) where the user has signed in;
 * `delete` also ends the user's OP sessions as `logout` does. 202 with the deliveries made
 * (possibly none).
 */
export function adminUserRoutes(deps: AppDeps): Router {
  const router = Router();

  /** Ends every OP session of the user; returns the logout deliveries it enqueued. */
  async function signOutEverywhere(userId: string): Promise<{ sessionsEnded: number; deliveries: CommandDeliveryRecord[] }> {
    const { ended, deliveryIds } = await endSessions(
      { userId },
      { logout: deps.repos.logout, clients: deps.repos.clients, now: new Date(), onEnqueued: () => deps.onCommandEnqueued?.() },
    );
    const deliveries = (await Promise.all(deliveryIds.map((id) => deps.repos.commandDeliveries.findById(id)))).filter(
      (row): row is CommandDeliveryRecord => row !== null,
    );
    if (ended.length > 0) deps.logger.info({ user: userId, sessions: ended.length, backchannel: deliveries.length }, 'OP sessions ended (admin)');
    return { sessionsEnded: ended.length, deliveries };
  }

  const logout: RequestHandler<{ id: string }> = async (req, res) => {
    const user = await deps.repos.users.findById(req.params.id);
    if (!user) {
      res.status(404).json({ error: 'not_found', error_description: 'no such user' });
      return;
    }
    const { sessionsEnded, deliveries } = await signOutEverywhere(user.id);
    res.status(202).json({ sessions_ended: sessionsEnded, deliveries: deliveries.map(deliveryView) });
  };

  const lifecycle: RequestHandler<{ id: string; command: string }> = async (req, res) => {
    const deliveries = await fanOutUserCommand(req.params.id, req.params.command, {
      deliveries: deps.repos.commandDeliveries,
      clients: deps.repos.clients,
      users: deps.repos.users,
      now: new Date(),
      onEnqueued: () => deps.onCommandEnqueued?.(),
    });
    if (deliveries === null) {
      res.status(404).json({ error: 'not_found', error_description: 'no such user' });
      return;
    }
    // A deleted account keeps no OP session: its RPs get a logout too.
    if (req.params.command === 'delete') deliveries.push(...(await signOutEverywhere(req.params.id)).deliveries);
    res.status(202).json({ deliveries: deliveries.map(deliveryView) });
  };

  router.post('/users/:id/logout', logout);
  router.post('/users/:id/:command', lifecycle);
  return router;
}
