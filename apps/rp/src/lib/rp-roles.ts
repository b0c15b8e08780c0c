/** One role of this RP, as published in the `metadata` response (`roles`, digest §8). */
export interface RpRole {
  id: string;
  display: string;
  description: string;
}

/**
 * The RP's own roles, as data. They are published to the OP in every `metadata` response and
 * are what OP groups map to (per tenant, {@link RoleMapping}) and what a `roles` claim may name.
 */
export const RP_ROLES: readonly RpRole[] = Object.freeze([
  { id: 'viewer', display: 'Viewer', description: 'Can see the tenant’s content.' },
  { id: 'editor', display: 'Editor', description: 'Can change the tenant’s content.' },
  { id: 'admin', display: 'Administrator', description: 'Can manage the tenant, including its group → role mapping.' },
]);

const ROLE_IDS: ReadonlySet<string> = new Set(RP_ROLES.map((role) => role.id));

export function isRpRole(id: unknown): id is string {
  return typeof id === 'string' && ROLE_IDS.has(id);
}

/** The known RP role ids among `values` (anything else, or a non-array, is dropped), deduplicated, in RP_ROLES order. */
export function knownRoles(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  const wanted = new Set(values.filter(isRpRole));
  return RP_ROLES.map((role) => role.id).filter((id) => wanted.has(id));
}
