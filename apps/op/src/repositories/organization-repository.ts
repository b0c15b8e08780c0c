import type { Db } from '../db/client.js';

export function organizationRepository(db: Db) {
  return {
    upsert(org: { id: string; slug: string; name: string }) {
      return db.organization.upsert({ where: { id: org.id }, create: org, update: { slug: org.slug, name: org.name } });
    },
  };
}
export type OrganizationRepository = ReturnType<typeof organizationRepository>;
