import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../../app.js';
import { fanOutUserCommand } from '../../services/commands/fan-out-user-command.js';
import { deliveryView } from './commands.js';

/**
 * `POST /admin/users/:id/{suspend,reactivate,archive,restore,delete,invalidate}`: fans the
 * matching command out to every RP (with a `command_endpoint`) where the user has signed in.
 * 202 with the deliveries made (possibly none).
 */
export function adminUserRoutes(deps: AppDeps): Router {
  const router = Router();

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
    res.status(202).json({ deliveries: deliveries.map(deliveryView) });
  };

  router.post('/users/:id/:command', lifecycle);
  return router;
}
