import { Router } from 'express';
import { ACCOUNT_COMMANDS, TENANT_COMMANDS } from '@oidc-ref/op-commands';
import { OAuthError } from '../../../errors.js';
import { enqueueCommand } from '../../../services/commands/enqueue-command.js';
import { consoleSendPage, type SendFormValues } from '../../../views/admin/console-send-page.js';
import { requireSession, sessionOf, type ConsoleContext } from './console-context.js';

const CLIENTS_SHOWN = 200;

/** Every command name the form offers: account commands, their `_async` forms, tenant commands. */
export const CONSOLE_COMMANDS: readonly string[] = [...ACCOUNT_COMMANDS, ...ACCOUNT_COMMANDS.map((name) => `${name}_async`), ...TENANT_COMMANDS];

const field = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** The claims textarea: empty, or a JSON object. */
function parseClaims(text: string): Record<string, unknown> | undefined | 'invalid' {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * `GET /admin/console/send` and `POST /admin/console/send`: any command, for a user or a tenant,
 * to any client with a command endpoint, through the outbox (`enqueueCommand`, the same
 * validation as `POST /admin/commands`). A refused command re-shows the form with the reason.
 */
export function consoleSendRoutes({ deps, sessions }: ConsoleContext): Router {
  const router = Router();
  const signedIn = requireSession(sessions);

  const page = async (csrf: string, values?: SendFormValues, error?: string) =>
    consoleSendPage({
      clients: await deps.repos.adminConsole.listCommandClients(CLIENTS_SHOWN),
      commands: CONSOLE_COMMANDS,
      csrf,
      ...(values !== undefined && { values }),
      ...(error !== undefined && { error }),
    });

  router.get('/admin/console/send', signedIn, async (req, res) => {
    const values: SendFormValues = {};
    for (const name of ['client_id', 'command', 'tenant', 'sub'] as const) {
      const value = req.query[name];
      if (typeof value === 'string') values[name] = value;
    }
    res.type('html').send(await page(sessionOf(res).csrf, values));
  });

  router.post('/admin/console/send', signedIn, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values: SendFormValues = {
      client_id: field(body, 'client_id'),
      command: field(body, 'command'),
      tenant: field(body, 'tenant'),
      sub: field(body, 'sub'),
      claims: field(body, 'claims'),
    };
    const claims = parseClaims(values.claims ?? '');
    const refuse = async (reason: string) => res.status(400).type('html').send(await page(sessionOf(res).csrf, values, reason));
    if (claims === 'invalid') {
      await refuse('Claims must be a JSON object.');
      return;
    }
    try {
      const delivery = await enqueueCommand(
        {
          clientId: values.client_id ?? '',
          command: values.command ?? '',
          tenant: values.tenant ?? '',
          ...(values.sub ? { sub: values.sub } : {}),
          ...(claims !== undefined && { claims }),
        },
        { deliveries: deps.repos.commandDeliveries, clients: deps.repos.clients, now: deps.now(), onEnqueued: () => deps.onCommandEnqueued?.() },
      );
      deps.logger.info({ delivery: delivery.id, command: delivery.command, client: delivery.clientId }, 'admin console: command sent');
      res.redirect(303, `/admin/console/deliveries/${encodeURIComponent(delivery.id)}`);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      await refuse(`The command was not sent: ${err.error_description}`);
    }
  });

  return router;
}
