import { Router, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../../app.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';
import { adminUserEvents } from '../../services/admin-user-events.js';
import { deliveryView } from './commands.js';

/**
 * `POST /admin/users/:id/logout` ("sign this user out everywhere": every OP session of the user
 * ends and every client that took part gets a Back-Channel Logout; docs/logout.md);
 * `POST /admin/users/:id/{activate,maintain,suspend,reactivate,archive,restore,delete,invalidate}`:
 * applies the event at the OP (status, sessions, tokens; see `LIFECYCLE_CHANGES`) and fans the
 * matching command out to every RP (with a command endpoint) where the user has signed in
 * (suspend, archive, invalidate and delete also sign the user out everywhere);
 * `POST /admin/users/:id/remove-from-organization`: `archive` to the organisation's tenant, and
 * the user becomes personal. 202 with the deliveries made (possibly none); 404 for an unknown user.
 */
export function adminUserRoutes(deps: AppDeps): Router {
  const router = Router();
  const events = adminUserEvents(deps);

  const answer = (res: Response, deliveries: CommandDeliveryRecord[] | null) => {
    if (deliveries === null) res.status(404).json({ error: 'not_found', error_description: 'no such user' });
    else res.status(202).json({ deliveries: deliveries.map(deliveryView) });
  };

  const logout: RequestHandler<{ id: string }> = async (req, res) => {
    if (!(await deps.repos.users.findById(req.params.id))) {
      answer(res, null);
      return;
    }
    const { sessionsEnded, deliveries } = await events.signOutEverywhere(req.params.id);
    res.status(202).json({ sessions_ended: sessionsEnded, deliveries: deliveries.map(deliveryView) });
  };
  const leave: RequestHandler<{ id: string }> = async (req, res) => answer(res, await events.removeFromOrganization(req.params.id));
  const lifecycle: RequestHandler<{ id: string; command: string }> = async (req, res) =>
    answer(res, await events.lifecycle(req.params.id, req.params.command));

  router.post('/users/:id/logout', logout);
  router.post('/users/:id/remove-from-organization', leave);
  router.post('/users/:id/:command', lifecycle);
  return router;
}
