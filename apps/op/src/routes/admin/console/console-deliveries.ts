import { Router } from 'express';
import { z } from 'zod';
import { deliveryView } from '../commands.js';
import { consoleDeliveriesPage } from '../../../views/admin/console-deliveries-page.js';
import type { DeliveryView } from '../../../views/admin/console-delivery-columns.js';
import { consoleDeliveryPage } from '../../../views/admin/console-delivery-page.js';
import { nonceOf, requireSession, sessionOf, type ConsoleContext } from './console-context.js';

const LIST_LIMIT = 50;
const ACCOUNTS_SHOWN = 50;
const ID = z.string().min(1).max(100);

/**
 * The deliveries table (`GET /admin/console/deliveries`, live from `deliveries.json`) and one
 * delivery (`GET /admin/console/deliveries/:id`, live from `:id.json`), with the stored
 * accounts of an `audit_tenant` where this OP keeps them.
 */
export function consoleDeliveryRoutes({ deps, sessions }: ConsoleContext): Router {
  const router = Router();
  const signedIn = requireSession(sessions);

  const recent = async () => (await deps.repos.commandDeliveries.list({ limit: LIST_LIMIT })).map((row) => deliveryView(row) as DeliveryView);

  const load = async (rawId: unknown) => {
    const id = ID.safeParse(rawId);
    if (!id.success) return null;
    const row = await deps.repos.commandDeliveries.findById(id.data);
    if (row === null) return null;
    const accounts = row.command === 'audit_tenant' ? await deps.repos.adminConsole.auditAccounts(row.id, ACCOUNTS_SHOWN) : null;
    return { delivery: deliveryView(row) as DeliveryView, accounts };
  };

  router.get('/admin/console/deliveries', signedIn, async (_req, res) => {
    res.type('html').send(consoleDeliveriesPage({ deliveries: await recent(), csrf: sessionOf(res).csrf, nonce: nonceOf(res) }));
  });

  router.get('/admin/console/deliveries.json', signedIn, async (_req, res) => {
    res.json({ deliveries: await recent() });
  });

  router.get('/admin/console/deliveries/:id.json', signedIn, async (req, res) => {
    const found = await load(req.params['id']);
    if (found === null) {
      res.status(404).json({ error: 'not_found', error_description: 'no such delivery' });
      return;
    }
    res.json({
      delivery: found.delivery,
      accounts:
        found.accounts?.map((a) => ({ seq: a.seq, sub: a.sub, account_state: a.accountState, authentication_provider: a.authenticationProvider })) ?? null,
    });
  });

  router.get('/admin/console/deliveries/:id', signedIn, async (req, res) => {
    const found = await load(req.params['id']);
    if (found === null) {
      res.status(404).type('html').send('Not found');
      return;
    }
    res.type('html').send(consoleDeliveryPage({ ...found, csrf: sessionOf(res).csrf, nonce: nonceOf(res) }));
  });

  return router;
}
