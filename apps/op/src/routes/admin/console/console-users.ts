import { Router } from 'express';
import { RenderedError } from '../../../errors.js';
import { adminUserEvents } from '../../../services/admin-user-events.js';
import { USER_ACTIONS, consoleUsersPage } from '../../../views/admin/console-users-page.js';
import { requireSession, sessionOf, type ConsoleContext } from './console-context.js';

const USERS_SHOWN = 500;

/** The notice after an action, from the redirect's query (only known actions and a count). */
function noticeFrom(query: Record<string, unknown>): string | undefined {
  const { done, count } = query;
  if (typeof done !== 'string' || !(USER_ACTIONS as readonly string[]).includes(done)) return undefined;
  if (typeof count !== 'string' || !/^\d{1,4}$/.test(count)) return undefined;
  return count === '0'
    ? `${done}: the user has not signed in to any RP with a command endpoint; nothing was sent.`
    : `${done} sent to ${count} RP${count === '1' ? '' : 's'}: see Deliveries.`;
}

/**
 * `GET /admin/console/users` (users, organisations, lifecycle actions) and
 * `POST /admin/console/users/:id/actions` `{ csrf, command }`: the lifecycle fan-out, as
 * `POST /admin/users/:id/:command` of the JSON API does it.
 */
export function consoleUserRoutes({ deps, sessions }: ConsoleContext): Router {
  const router = Router();
  const signedIn = requireSession(sessions);

  router.get('/admin/console/users', signedIn, async (req, res) => {
    const users = await deps.repos.adminConsole.listUsers(USERS_SHOWN);
    const notice = noticeFrom(req.query as Record<string, unknown>);
    res.type('html').send(consoleUsersPage({ users, csrf: sessionOf(res).csrf, ...(notice !== undefined && { notice }) }));
  });

  router.post('/admin/console/users/:id/actions', signedIn, async (req, res) => {
    const command: unknown = (req.body as Record<string, unknown>)['command'];
    if (typeof command !== 'string' || !(USER_ACTIONS as readonly string[]).includes(command)) {
      throw new RenderedError('invalid_request', 'unknown user action', 400);
    }
    const deliveries = await adminUserEvents(deps).lifecycle(String(req.params['id']), command);
    if (deliveries === null) throw new RenderedError('invalid_request', 'no such user', 404);
    deps.logger.info({ user: req.params['id'], command, deliveries: deliveries.map((d) => d.id) }, 'admin console: user action');
    // The notice counts RPs: one may get both the command and a Back-Channel Logout.
    const rps = new Set(deliveries.map((d) => d.clientId)).size;
    res.redirect(303, `/admin/console/users?done=${command}&count=${rps}`);
  });

  return router;
}
