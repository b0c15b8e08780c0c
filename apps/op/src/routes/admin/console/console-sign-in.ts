import { Router } from 'express';
import { consoleSignInPage } from '../../../views/admin/console-sign-in-page.js';
import { requireSession, type ConsoleContext } from './console-context.js';

/**
 * `GET|POST /admin/console/sign-in` (the admin token, compared in constant time, starts a
 * session cookie) and `POST /admin/console/sign-out`.
 */
export function consoleSignInRoutes({ sessions, deps }: ConsoleContext): Router {
  const router = Router();

  router.get('/admin/console', (req, res) => {
    res.redirect(303, sessions.read(req) === undefined ? '/admin/console/sign-in' : '/admin/console/users');
  });

  router.get('/admin/console/sign-in', (req, res) => {
    if (sessions.read(req) !== undefined) {
      res.redirect(303, '/admin/console/users');
      return;
    }
    res.type('html').send(consoleSignInPage());
  });

  router.post('/admin/console/sign-in', (req, res) => {
    const token: unknown = (req.body as Record<string, unknown> | undefined)?.['token'];
    if (typeof token !== 'string' || !sessions.isAdminToken(token)) {
      deps.logger.warn({ ip: req.ip }, 'admin console: wrong admin token');
      res.status(401).type('html').send(consoleSignInPage({ error: 'That is not the admin token.' }));
      return;
    }
    sessions.start(res);
    deps.logger.info('admin console: signed in');
    res.redirect(303, '/admin/console/users');
  });

  router.post('/admin/console/sign-out', requireSession(sessions), (_req, res) => {
    sessions.end(res);
    res.redirect(303, '/admin/console/sign-in');
  });

  return router;
}
