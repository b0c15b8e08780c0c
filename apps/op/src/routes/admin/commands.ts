import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { InvalidRequest } from '../../errors.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';
import { enqueueCommand } from '../../services/commands/enqueue-command.js';

/** A delivery as the admin API shows it (wire spelling). */
export function deliveryView(row: CommandDeliveryRecord): Record<string, unknown> {
  return {
    id: row.id,
    kind: row.kind,
    client_id: row.clientId,
    command: row.command,
    tenant: row.tenant,
    sub: row.sub,
    ...(row.sid !== null && { sid: row.sid }),
    claims: row.claims,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.nextAttemptAt.toISOString(),
    last_status: row.lastStatus,
    last_error: row.lastError,
    last_response: row.lastResponse,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    authentication_provider: row.authenticationProvider,
    callback_response: row.callbackResponse,
    callback_received_at: row.callbackReceivedAt?.toISOString() ?? null,
  };
}

const SendCommandSchema = z.strictObject({
  client_id: z.string().min(1),
  command: z.string().min(1),
  tenant: z.string().min(1),
  sub: z.string().min(1).optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  authentication_provider: z.string().min(1).optional(),
});

const AccountsQuerySchema = z.object({
  after: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const ListQuerySchema = z.object({
  client_id: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Express's JSON parser, its failures as `invalid_request`; and only for application/json. */
export function parseJson(): RequestHandler {
  const json = express.json({ limit: '64kb' });
  return (req, res, next) => {
    if (!req.is('application/json')) {
      next(new InvalidRequest('the request body must be application/json'));
      return;
    }
    json(req, res, (err?: unknown) => next(err ? new InvalidRequest('the request body is not valid JSON') : undefined));
  };
}

function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid request';
}

/**
 * `POST /admin/commands` (enqueue one command for one RP: 202 with the delivery),
 * `GET /admin/commands/:id` (its state), `GET /admin/commands?client_id=&limit=` (recent ones) and
 * `GET /admin/commands/:id/accounts?after=&limit=` (the accounts an `audit_tenant` reported).
 */
export function adminCommandRoutes(deps: AppDeps): Router {
  const router = Router();

  const sendCommand: RequestHandler = async (req, res) => {
    const parsed = SendCommandSchema.safeParse(req.body);
    if (!parsed.success) throw new InvalidRequest(firstProblem(parsed.error));
    const body = parsed.data;
    const delivery = await enqueueCommand(
      {
        clientId: body.client_id,
        command: body.command,
        tenant: body.tenant,
        ...(body.sub !== undefined && { sub: body.sub }),
        ...(body.claims !== undefined && { claims: body.claims }),
        ...(body.authentication_provider !== undefined && { authenticationProvider: body.authentication_provider }),
      },
      { deliveries: deps.repos.commandDeliveries, clients: deps.repos.clients, now: new Date(), onEnqueued: () => deps.onCommandEnqueued?.() },
    );
    res.status(202).location(`/admin/commands/${delivery.id}`).json(deliveryView(delivery));
  };

  const showDelivery: RequestHandler<{ id: string }> = async (req, res) => {
    const row = await deps.repos.commandDeliveries.findById(req.params.id);
    if (!row) {
      res.status(404).json({ error: 'not_found', error_description: 'no such delivery' });
      return;
    }
    res.json(deliveryView(row));
  };

  const listDeliveries: RequestHandler = async (req, res) => {
    const parsed = ListQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new InvalidRequest(firstProblem(parsed.error));
    const rows = await deps.repos.commandDeliveries.list({
      limit: parsed.data.limit,
      ...(parsed.data.client_id !== undefined && { clientId: parsed.data.client_id }),
    });
    res.json({ deliveries: rows.map(deliveryView) });
  };

  /** The accounts an `audit_tenant` stream reported so far, in stream order, a page at a time. */
  const listAccounts: RequestHandler<{ id: string }> = async (req, res) => {
    const parsed = AccountsQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new InvalidRequest(firstProblem(parsed.error));
    const row = await deps.repos.commandDeliveries.findById(req.params.id);
    if (!row) {
      res.status(404).json({ error: 'not_found', error_description: 'no such delivery' });
      return;
    }
    const accounts = await deps.repos.auditAccounts.page(row.id, parsed.data.after, parsed.data.limit);
    res.json({
      accounts: accounts.map((a) => ({
        seq: a.seq,
        sub: a.sub,
        account_state: a.accountState,
        last_access: a.lastAccess,
        authentication_provider: a.authenticationProvider,
        claims: a.claims,
      })),
      next_after: accounts.length === parsed.data.limit ? accounts[accounts.length - 1]!.seq : null,
    });
  };

  router.post('/commands', parseJson(), sendCommand);
  router.get('/commands/:id/accounts', listAccounts);
  router.get('/commands', listDeliveries);
  router.get('/commands/:id', showDelivery);
  return router;
}
