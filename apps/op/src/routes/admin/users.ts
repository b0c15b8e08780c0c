import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../../app.js';
import { fanOutUserCommand, removeFromOrganization, type FanOutUserCommandOptions } from '../../services/commands/fan-out-user-command.js';
import { deliveryView } from './commands.js';

/**
 * `POST /admin/users/:id/{activate,maintain,suspend,reactivate,archive,restore,delete,invalidate}`:
 * applies the event at the OP (status, sessions, tokens; see `LIFECYCLE_CHANGES`) and fans the
 * matching command out to every RP (with a command endpoint) where the user has signed in, in one
 * transaction. `POST /admin/users/:id/remove-from-organization`: `archive` to the organisation's
 * tenant, and the user becomes personal. 202 with the deliveries made (possibly none).
 */
export function adminUserRoutes(deps: AppDeps): Router {
  const router = Router();
  const options = (): FanOutUserCommandOptions => ({
    deliveries: deps.repos.commandDeliveries,
    clients: deps.repos.clients,
    users: deps.repos.users,
    userLifecycle: deps.repos.userLifecycle,
    organizations: deps.repos.organizations,
    now: deps.now(),
    onEnqueued: () => deps.onCommandEnqueued?.(),
  });

  const answer = (res: Parameters<RequestHandler>[1], deliveries: Awaited<ReturnType<typeof fanOutUserCommand>>) => {
    if (deliveries === null) {
      res.status(404).json({ error: 'not_found', error_description: 'no such user' });
      return;
    }
    res.status(202).json({ deliveries: deliveries.map(deliveryView) });
  };

  const leave: RequestHandler<{ id: string }> = async (req, res) => answer(res, await removeFromOrganization(req.params.id, options()));
  const lifecycle: RequestHandler<{ id: string; command: string }> = async (req, res) =>
    answer(res, await fanOutUserCommand(req.params.id, req.params.command, options()));

  router.post('/users/:id/remove-from-organization', leave);
  router.post('/users/:id/:command', lifecycle);
  return router;
}
