import { z } from 'zod';

import { RP_ROLES, isRpRole, knownRoles } from './rp-roles.js';

/** Per RP tenant: OP group id → the RP role ids its members get. */
export type RoleMapping = Readonly<Record<string, readonly string[]>>;

/**
 * The mapping of a tenant that has none of its own (documented in docs/rp-commands.md): OP group
 * `admins` → `admin`, `engineering` → `editor`, `staff` → `viewer`.
 */
export const DEFAULT_ROLE_MAPPING: RoleMapping = Object.freeze({
  admins: Object.freeze(['admin']),
  engineering: Object.freeze(['editor']),
  staff: Object.freeze(['viewer']),
});

/** A stored or submitted mapping: at most 200 groups, each mapped to known RP roles. */
export const RoleMappingSchema = z
  .record(
    z.string().min(1).max(200),
    z.array(z.string().refine(isRpRole, { message: `must be one of ${RP_ROLES.map((role) => role.id).join(', ')}` })).max(RP_ROLES.length),
  )
  .refine((mapping) => Object.keys(mapping).length <= 200, { message: 'at most 200 groups may be mapped' });

/** The tenant's mapping as stored (`null` → the default; unreadable JSON → no roles at all, never a crash). */
export function roleMappingOf(stored: unknown): RoleMapping {
  if (stored === null || stored === undefined) return DEFAULT_ROLE_MAPPING;
  const parsed = RoleMappingSchema.safeParse(stored);
  return parsed.success ? parsed.data : {};
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One OP group as published in the `metadata` command (`{ id, display, description? }`). */
export interface OpGroup {
  id: string;
  display: string;
  description?: string;
}

/** The well-formed `groups` of the stored OP metadata (entries without a string `id` and `display` are skipped). */
export function opGroupsOf(metadata: unknown): OpGroup[] {
  if (!isRecord(metadata) || !Array.isArray(metadata['groups'])) return [];
  return metadata['groups'].flatMap((group: unknown) => {
    if (!isRecord(group) || typeof group['id'] !== 'string' || typeof group['display'] !== 'string') return [];
    const description = typeof group['description'] === 'string' ? { description: group['description'] } : {};
    return [{ id: group['id'], display: group['display'], ...description }];
  });
}

/** The string entries of a `groups` claim (anything else is ignored). */
export function groupIdsOf(claim: unknown): string[] {
  return Array.isArray(claim) ? [...new Set(claim.filter((value): value is string => typeof value === 'string' && value !== ''))] : [];
}

export interface EffectiveRolesInput {
  /** The account's OP group ids (from activate/maintain or the ID token). */
  groups: readonly string[];
  /** RP role ids the OP assigned directly (`roles` claim). */
  opRoles: readonly string[];
  /** The tenant's latest stored OP metadata (its `groups` say which groups still exist). */
  opMetadata: unknown;
  mapping: RoleMapping;
}

/**
 * An account's RP roles: the mapped roles of those of its groups that the latest OP metadata
 * still lists (a group the OP dropped stops counting at once; with no metadata, no group
 * counts), plus the known RP roles of a `roles` claim. Deduplicated, in RP_ROLES order.
 *
 * @example
 * effectiveRoles({ groups: ['admins'], opRoles: [], opMetadata: { groups: [{ id: 'admins', display: 'Admins' }] }, mapping: DEFAULT_ROLE_MAPPING }); // ['admin']
 */
export function effectiveRoles({ groups, opRoles, opMetadata, mapping }: EffectiveRolesInput): string[] {
  const published = new Set(opGroupsOf(opMetadata).map((group) => group.id));
  const fromGroups = groups.filter((group) => published.has(group) && Object.hasOwn(mapping, group)).flatMap((group) => mapping[group] ?? []);
  return knownRoles([...fromGroups, ...opRoles]);
}
