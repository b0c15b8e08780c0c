import type { Db } from '../db/client.js';

export interface ClientRecord {
  id: string;
  secret: string | null;
  name: string;
  redirectUris: string[];
  tokenEndpointAuthMethod: string;
  grantTypes: string[];
  responseTypes: string[];
  firstParty: boolean;
}

export function clientRepository(db: Db) {
  return {
    findById(id: string): Promise<ClientRecord | null> {
      return db.client.findUnique({ where: { id } });
    },
    upsert(client: ClientRecord): Promise<ClientRecord> {
      const { id, ...rest } = client;
      return db.client.upsert({ where: { id }, create: client, update: rest });
    },
  };
}
export type ClientRepository = ReturnType<typeof clientRepository>;
