import type { Db } from '../db/client.js';

/** The RP's latest `metadata` response for one (client, tenant). */
export interface ClientTenantMetadataRecord {
  clientId: string;
  tenant: string;
  response: Record<string, unknown>;
  deliveryId: string;
  receivedAt: Date;
}

/** RP metadata responses (`client_tenant_metadata`): each exchange replaces the previous (§6.1). */
export function clientTenantMetadataRepository(db: Db) {
  return {
    async save(record: ClientTenantMetadataRecord): Promise<void> {
      const data = { response: record.response as object, deliveryId: record.deliveryId, receivedAt: record.receivedAt };
      await db.clientTenantMetadata.upsert({
        where: { clientId_tenant: { clientId: record.clientId, tenant: record.tenant } },
        create: { clientId: record.clientId, tenant: record.tenant, ...data },
        update: data,
      });
    },

    async find(clientId: string, tenant: string): Promise<ClientTenantMetadataRecord | null> {
      const row = await db.clientTenantMetadata.findUnique({ where: { clientId_tenant: { clientId, tenant } } });
      return row ? { ...row, response: row.response as Record<string, unknown> } : null;
    },

    async listForClient(clientId: string): Promise<ClientTenantMetadataRecord[]> {
      const rows = await db.clientTenantMetadata.findMany({ where: { clientId }, orderBy: { tenant: 'asc' } });
      return rows.map((row) => ({ ...row, response: row.response as Record<string, unknown> }));
    },
  };
}
export type ClientTenantMetadataRepository = ReturnType<typeof clientTenantMetadataRepository>;
