import express, { type Request, type RequestHandler } from 'express';

import { ACCOUNT_COMMANDS, CommandError, STREAMING_COMMANDS, cachedJwks } from '@oidc-ref/rp-kit';
import type { JsonWebKeySet } from '@oidc-ref/rp-kit';
import { commandEndpoint } from '@oidc-ref/rp-kit/express';

import { RP_ROLES } from '../lib/rp-roles.js';
import { rememberCommandJti } from '../repositories/command-jti-repository.js';
import { findOrCreateTenant } from '../repositories/tenant-repository.js';
import { createCommandAccountStore } from '../services/command-account-store.js';
import { sendCommandCallback } from '../services/send-command-callback.js';
import type { RouteDeps } from './deps.js';

/**
 * The commands this RP offers (draft 02 names; `metadata` is always added by rp-kit), `migrate`
 * included (policy: `migrateVerdict`). Every account command also runs asynchronously: 202,
 * then the result goes to the OP's callback_endpoint (from `metadata`) when the command
 * carries a callback_token.
 */
export const RP_COMMANDS_SUPPORTED: readonly string[] = [...ACCOUNT_COMMANDS, ...STREAMING_COMMANDS, ...ACCOUNT_COMMANDS.map((name) => `${name}_async`)];

/**
 * The RP members of every `metadata` response besides rp-kit's required ones (`context`,
 * `commands_supported`, `command_endpoint`, `client_id`): the client name and the RP's roles.
 */
export function rpMetadataResponse(): Record<string, unknown> {
  return { client_name: 'oidc-ref sample RP', roles: RP_ROLES.map((role) => ({ ...role })) };
}

/** The Command Endpoint URL of the OP tenant `externalId`: what the OP registers and puts in `aud`. */
export function commandEndpointUrl(baseUrl: string, externalId: string): string {
  return `${baseUrl}/commands/${encodeURIComponent(externalId)}`;
}

const tenantParam = (req: Request): string => {
  const value: unknown = req.params['tenant'];
  return typeof value === 'string' ? value : '';
};

/**
 * `POST /commands/:tenant`: the OpenID Provider Commands endpoint of one OP tenant. The path
 * names the OP's `tenant` value, so the URL (the token's `aud`) binds a token to one RP tenant;
 * the token's `tenant` must match it, its `iss` must be `RP_OIDC_ISSUER` and its `client_id`
 * `RP_CLIENT_ID`. The RP tenant is created on the first valid command if nobody has signed in yet.
 */
export function commandsRoute({ config, prisma, oidc, logger }: Pick<RouteDeps, 'config' | 'prisma' | 'oidc' | 'logger'>): RequestHandler[] {
  const jwks = cachedJwks(async () => {
    const configuration = await oidc.getConfiguration();
    const jwksUri = configuration.serverMetadata().jwks_uri;
    if (jwksUri === undefined) throw new Error('the OP publishes no jwks_uri');
    const response = await fetch(jwksUri, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`jwks_uri answered ${response.status}`);
    return (await response.json()) as JsonWebKeySet;
  });
  const tenantIds = new WeakMap<Request, string>();
  // RP tenant ids by (issuer, OP tenant): a tenant is never deleted nor re-keyed once created,
  // so each process looks it up (or creates it) once instead of on every command.
  const knownTenants = new Map<string, string>();
  const tenantIdOf = async (issuer: string, externalId: string): Promise<string> => {
    const key = `${issuer}\n${externalId}`;
    const known = knownTenants.get(key);
    if (known !== undefined) return known;
    const tenant = await findOrCreateTenant(prisma, { issuer, externalId });
    if (knownTenants.size >= 10_000) knownTenants.clear();
    knownTenants.set(key, tenant.id);
    return tenant.id;
  };

  return [
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 }),
    commandEndpoint<Request>({
      endpointUrl: (req) => commandEndpointUrl(config.baseUrl, tenantParam(req)),
      providers: (iss) => (iss === config.issuer ? { clientId: config.clientId, jwks } : undefined),
      replay: {
        checkAndStore: (issuer, jti, exp) => rememberCommandJti(prisma, { issuer, jti, expiresAt: new Date(exp * 1000), now: new Date() }),
      },
      async authorize(command, req) {
        if (command.tenant !== tenantParam(req)) throw new CommandError(400, 'invalid_request', 'tenant does not match this command endpoint');
        tenantIds.set(req, await tenantIdOf(command.iss, command.tenant));
      },
      commandsSupported: () => RP_COMMANDS_SUPPORTED,
      metadataResponse: rpMetadataResponse,
      onAsyncResult(command, body, req) {
        const tenantId = tenantIds.get(req);
        if (tenantId === undefined) return;
        void sendCommandCallback({ prisma, logger, tenantId, callbackToken: command.callbackToken, body });
      },
      store: (req) => {
        const tenantId = tenantIds.get(req);
        if (tenantId === undefined) throw new Error('command store requested before authorize');
        return createCommandAccountStore({ prisma, tenantId, logger });
      },
    }),
  ];
}
