import type { OrganizationRepository } from '../../repositories/organization-repository.js';
import type { UserRecord } from '../../repositories/user-repository.js';

/** The profile claims `activate` / `maintain` carry (also `metadata.claims_supported`). */
export const COMMAND_PROFILE_CLAIMS = ['email', 'email_verified', 'name', 'groups'] as const;

/**
 * The profile claims of an `activate` / `maintain` command for a user, from the OP's own
 * record: `email`, `email_verified`, `name` and `groups` (the ids of the groups of the user's
 * organisation they belong to; `[]` for a personal user). The OP keeps one display name and no
 * `given_name` / `family_name`; guessing them by splitting the name would be wrong for many
 * names, so they are not sent.
 *
 * @example
 * await profileClaimsOf(alice, { organizations }) // { email, email_verified, name, groups: ['admins', 'engineering'] }
 */
export async function profileClaimsOf(
  user: UserRecord,
  options: { organizations: Pick<OrganizationRepository, 'groupIdsOf'> },
): Promise<Record<string, unknown>> {
  return {
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    groups: user.organization ? await options.organizations.groupIdsOf(user.id, user.organization.id) : [],
  };
}
