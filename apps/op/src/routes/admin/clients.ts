import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { InvalidRequest } from '../../errors.js';
import type { ClientRecord } from '../../repositories/client-repository.js';
import { serviceUriProblem } from '../../services/registration-uri-rules.js';
import { parseJson } from './commands.js';

/** A tenant value as it appears in a path: visible ASCII, at most 255 characters. */
const TENANT = /^[\x21-\x7e]{1,255}$/;

const SetEndpointSchema = z.strictObject({ command_endpoint: z.string().min(1).max(2048) });

function endpointsView(client: ClientRecord): Record<string, unknown> {
  return { client_id: client.id, command_endpoint: client.metadata.command_endpoint ?? null, tenants: client.tenantCommandEndpoints ?? {} };
}

/**
 * Per-tenant command endpoints of a client (a multi-tenant RP whose URL binds a token to one of
 * its tenants): `GET /admin/clients/:id/command-endpoints`,
 * `PUT /admin/clients/:id/command-endpoints/:tenant` `{ command_endpoint }` and `DELETE` of the
 * same path (the tenant falls back to the registered `command_endpoint`). The URL follows the
 * registration rule for `command_endpoint`: https, or http on a loopback host for an http issuer.
 * Also `GET /admin/clients/:id/tenants/:tenant/metadata`: the RP's stored `metadata` response.
 */
export function adminClientRoutes(deps: AppDeps): Router {
  const router = Router();
  const allowInsecureLoopback = deps.config.issuer.startsWith('http:');
  const notFound = { error: 'not_found', error_description: 'no such client' };

  const tenantOf = (value: string): string => {
    if (!TENANT.test(value)) throw new InvalidRequest('tenant must be 1 to 255 visible ASCII characters');
    return value;
  };

  const show: RequestHandler<{ id: string }> = async (req, res) => {
    const client = await deps.repos.clients.findById(req.params.id);
    if (!client) {
      res.status(404).json(notFound);
      return;
    }
    res.json(endpointsView(client));
  };

  const set: RequestHandler<{ id: string; tenant: string }> = async (req, res) => {
    const tenant = tenantOf(req.params.tenant);
    const parsed = SetEndpointSchema.safeParse(req.body);
    if (!parsed.success) throw new InvalidRequest('the body must be { "command_endpoint": "<url>" }');
    const problem = serviceUriProblem(parsed.data.command_endpoint, allowInsecureLoopback);
    if (problem !== undefined) throw new InvalidRequest(`command_endpoint ${problem}`);
    if (!(await deps.repos.clients.setTenantCommandEndpoint(req.params.id, tenant, parsed.data.command_endpoint))) {
      res.status(404).json(notFound);
      return;
    }
    const client = await deps.repos.clients.findById(req.params.id);
    res.json(client ? endpointsView(client) : {});
  };

  const remove: RequestHandler<{ id: string; tenant: string }> = async (req, res) => {
    if (!(await deps.repos.clients.setTenantCommandEndpoint(req.params.id, tenantOf(req.params.tenant), null))) {
      res.status(404).json(notFound);
      return;
    }
    res.status(204).end();
  };

  /** The RP's latest answer to `metadata` for one tenant (each exchange replaces it). */
  const showMetadata: RequestHandler<{ id: string; tenant: string }> = async (req, res) => {
    const stored = await deps.repos.clientTenantMetadata.find(req.params.id, tenantOf(req.params.tenant));
    if (!stored) {
      res.status(404).json({ error: 'not_found', error_description: 'no metadata response is stored for this client and tenant' });
      return;
    }
    res.json({
      client_id: stored.clientId,
      tenant: stored.tenant,
      metadata: stored.response,
      delivery_id: stored.deliveryId,
      received_at: stored.receivedAt.toISOString(),
    });
  };

  router.get('/clients/:id/command-endpoints', show);
  router.get('/clients/:id/tenants/:tenant/metadata', showMetadata);
  router.put('/clients/:id/command-endpoints/:tenant', parseJson(), set);
  router.delete('/clients/:id/command-endpoints/:tenant', remove);
  return router;
}
