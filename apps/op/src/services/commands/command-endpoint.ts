import type { ClientRecord } from '../../repositories/client-repository.js';

/**
 * Where commands for `tenant` go at this client: its per-tenant endpoint if it has one, else its
 * registered `command_endpoint` (undefined when it has neither). A multi-tenant RP gives each
 * OP tenant its own URL; as the token's `aud` is that exact URL, the URL binds a token to one
 * RP tenant (OpenID Provider Commands §7).
 *
 * @example
 * commandEndpointFor(client, 'acme') // 'https://rp.example/commands/acme'
 */
export function commandEndpointFor(client: Pick<ClientRecord, 'metadata' | 'tenantCommandEndpoints'>, tenant: string): string | undefined {
  const perTenant = client.tenantCommandEndpoints;
  return perTenant !== undefined && Object.hasOwn(perTenant, tenant) ? perTenant[tenant] : client.metadata.command_endpoint;
}
