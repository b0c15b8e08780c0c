import type { OrganizationRepository } from '../../repositories/organization-repository.js';
import { CALLBACK_PATH } from './callback-tokens.js';
import { COMMAND_PROFILE_CLAIMS } from './profile-claims.js';

/**
 * The `metadata` claim of a `metadata` command for `tenant` (§6.1), built at mint time:
 * `callback_endpoint`, the claims `activate` / `maintain` carry, and for an organisation its
 * email `domains` and `groups` (`{id, display, description?}`). `personal` has neither.
 *
 * @example
 * await opMetadataFor('acme', { issuer, organizations })
 * // { callback_endpoint: 'https://op/commands/callback', claims_supported: [...], domains: ['acme.example'], groups: [...] }
 */
export async function opMetadataFor(
  tenant: string,
  options: { issuer: string; organizations: Pick<OrganizationRepository, 'findById' | 'groups'> },
): Promise<Record<string, unknown>> {
  const metadata: Record<string, unknown> = {
    callback_endpoint: `${options.issuer.replace(/\/$/, '')}${CALLBACK_PATH}`,
    claims_supported: [...COMMAND_PROFILE_CLAIMS],
  };
  const organization = await options.organizations.findById(tenant);
  if (organization) {
    metadata.domains = organization.domains;
    metadata.groups = (await options.organizations.groups(organization.id)).map((group) => ({
      id: group.id,
      display: group.display,
      ...(group.description !== null && { description: group.description }),
    }));
  }
  return metadata;
}
