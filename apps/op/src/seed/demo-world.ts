import { hashPassword } from '@oidc-ref/crypto';
import type { Repositories } from '../repositories/index.js';

export interface DemoWorldOptions {
  /**
   * Where the demo RP runs; its redirect URI is `${rpBaseUrl}/callback`, its logout URIs
   * `${rpBaseUrl}/backchannel-logout`, `/frontchannel-logout` and (post-logout) `/signed-out`.
   */
  rpBaseUrl: string;
  rpClientSecret: string;
}

export const DEMO_USERS = [
  { email: 'alice@acme.example', password: 'alice-demo-pass', name: 'Alice Anderson', organizationId: 'acme', totpSecret: 'JBSWY3DPEHPK3PXP' },
  { email: 'bob@globex.example', password: 'bob-demo-pass', name: 'Bob Baker', organizationId: 'globex', totpSecret: null },
  { email: 'carol@example.com', password: 'carol-demo-pass', name: 'Carol Chen', organizationId: null, totpSecret: null },
] as const;

/** The OP tenants of the demo: the organisations, and `personal` for users without one. */
const DEMO_TENANTS = ['acme', 'globex'] as const;

/** The organisations' groups (`metadata.groups`) and who is in them (`groups` claim). */
export const DEMO_GROUPS = [
  { organizationId: 'acme', id: 'engineering', display: 'Engineering', members: ['alice@acme.example'] },
  { organizationId: 'acme', id: 'admins', display: 'Administrators', members: ['alice@acme.example'] },
  { organizationId: 'globex', id: 'sales', display: 'Sales', members: ['bob@globex.example'] },
] as const;

/**
 * The demo world, seeded idempotently: running it again changes nothing but the RP's
 * registration (so a changed RP URL or secret takes effect). Existing passwords are kept.
 */
export async function seedDemoWorld(repos: Repositories, options: DemoWorldOptions): Promise<void> {
  await repos.organizations.upsert({ id: 'acme', slug: 'acme', name: 'Acme Corporation', domains: ['acme.example'] });
  await repos.organizations.upsert({ id: 'globex', slug: 'globex', name: 'Globex Inc.', domains: ['globex.example'] });
  for (const user of DEMO_USERS) {
    const existing = await repos.users.findByEmail(user.email);
    await repos.users.upsertByEmail({
      email: user.email,
      name: user.name,
      emailVerified: true,
      organizationId: user.organizationId,
      totpSecret: user.totpSecret,
      passwordHash: existing?.passwordHash ?? (await hashPassword(user.password)),
    });
  }
  for (const group of DEMO_GROUPS) {
    await repos.organizations.upsertGroup(group.organizationId, { id: group.id, display: group.display });
    for (const email of group.members) {
      const member = await repos.users.findByEmail(email);
      if (member?.organization?.id === group.organizationId) await repos.organizations.addMember(group.organizationId, group.id, member.id);
    }
  }
  const rp = options.rpBaseUrl.replace(/\/$/, '');
  // The demo RP is multi-tenant: one Command Endpoint per OP tenant (its URL binds a token to
  // one RP tenant), `personal` at the registered command_endpoint.
  const commandEndpoint = (tenant: string) => `${rp}/commands/${encodeURIComponent(tenant)}`;
  await repos.clients.save({
    id: 'demo-rp',
    secret: options.rpClientSecret,
    firstParty: true,
    metadata: {
      client_name: 'Demo RP',
      redirect_uris: [`${rp}/callback`],
      command_endpoint: commandEndpoint('personal'),
      // Logout (docs/logout.md): the demo RP's endpoints, derived from its base URL.
      post_logout_redirect_uris: [`${rp}/signed-out`],
      backchannel_logout_uri: `${rp}/backchannel-logout`,
      backchannel_logout_session_required: true,
      frontchannel_logout_uri: `${rp}/frontchannel-logout`,
      frontchannel_logout_session_required: true,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  });
  for (const tenant of DEMO_TENANTS) await repos.clients.setTenantCommandEndpoint('demo-rp', tenant, commandEndpoint(tenant));
}
