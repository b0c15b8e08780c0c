import type { Db } from '../db/client.js';

/** A group of an organisation, as `metadata.groups` shows it (§6.1, §8). */
export interface GroupRecord {
  id: string;
  display: string;
  description: string | null;
}

export interface OrganizationRecord {
  id: string;
  slug: string;
  name: string;
  domains: string[];
}

export function organizationRepository(db: Db) {
  return {
    upsert(org: { id: string; slug: string; name: string; domains?: string[] }): Promise<OrganizationRecord> {
      const select = { id: true, slug: true, name: true, domains: true } as const;
      return db.organization.upsert({
        where: { id: org.id },
        create: { ...org, domains: org.domains ?? [] },
        update: { slug: org.slug, name: org.name, ...(org.domains !== undefined && { domains: org.domains }) },
        select,
      });
    },

    findById(id: string): Promise<OrganizationRecord | null> {
      return db.organization.findUnique({ where: { id }, select: { id: true, slug: true, name: true, domains: true } });
    },

    /** The organisation's groups, by id. */
    groups(organizationId: string): Promise<GroupRecord[]> {
      return db.group.findMany({ where: { organizationId }, orderBy: { id: 'asc' }, select: { id: true, display: true, description: true } });
    },

    async upsertGroup(organizationId: string, group: { id: string; display: string; description?: string | null }): Promise<void> {
      const data = { display: group.display, description: group.description ?? null };
      await db.group.upsert({
        where: { organizationId_id: { organizationId, id: group.id } },
        create: { organizationId, id: group.id, ...data },
        update: data,
      });
    },

    async addMember(organizationId: string, groupId: string, userId: string): Promise<void> {
      await db.groupMember.upsert({
        where: { organizationId_groupId_userId: { organizationId, groupId, userId } },
        create: { organizationId, groupId, userId },
        update: {},
      });
    },

    async removeMember(organizationId: string, groupId: string, userId: string): Promise<void> {
      await db.groupMember.deleteMany({ where: { organizationId, groupId, userId } });
    },

    /** The ids of the groups of `organizationId` that `userId` is a member of (the `groups` claim). */
    async groupIdsOf(userId: string, organizationId: string): Promise<string[]> {
      const rows = await db.groupMember.findMany({ where: { userId, organizationId }, orderBy: { groupId: 'asc' }, select: { groupId: true } });
      return rows.map((row) => row.groupId);
    },
  };
}
export type OrganizationRepository = ReturnType<typeof organizationRepository>;
