import { ClientMetadataSchema, type ClientMetadata, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { Db } from '../db/client.js';

/** A registered client: its id and secret, and its metadata with defaults applied. */
export interface ClientRecord {
  id: string;
  secret: string | null;
  firstParty: boolean;
  name: string;
  redirectUris: string[];
  responseTypes: string[];
  grantTypes: string[];
  tokenEndpointAuthMethod: ClientMetadata['token_endpoint_auth_method'];
  metadata: ClientMetadata;
}

export interface SaveClientInput {
  id: string;
  secret: string | null;
  firstParty?: boolean;
  metadata: ClientMetadataInput;
  registrationTokenHash?: string | null;
}

function toRecord(row: { id: string; secret: string | null; firstParty: boolean; metadata: unknown }): ClientRecord {
  const metadata = ClientMetadataSchema.parse(row.metadata);
  return {
    id: row.id,
    secret: row.secret,
    firstParty: row.firstParty,
    name: metadata.client_name ?? row.id,
    redirectUris: metadata.redirect_uris,
    responseTypes: metadata.response_types,
    grantTypes: metadata.grant_types,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
    metadata,
  };
}

export function clientRepository(db: Db) {
  return {
    async findById(id: string): Promise<ClientRecord | null> {
      const row = await db.client.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    },
    async findByRegistrationTokenHash(hash: string): Promise<ClientRecord | null> {
      const row = await db.client.findUnique({ where: { registrationTokenHash: hash } });
      return row ? toRecord(row) : null;
    },
    /** Creates or replaces a client; metadata is validated and stored with defaults applied. */
    async save(input: SaveClientInput): Promise<ClientRecord> {
      const metadata = ClientMetadataSchema.parse(input.metadata) as object;
      const data = {
        secret: input.secret,
        firstParty: input.firstParty ?? false,
        metadata,
        ...(input.registrationTokenHash !== undefined && { registrationTokenHash: input.registrationTokenHash }),
      };
      const row = await db.client.upsert({ where: { id: input.id }, create: { id: input.id, ...data }, update: data });
      return toRecord(row);
    },
    async delete(id: string): Promise<boolean> {
      const { count } = await db.client.deleteMany({ where: { id } });
      return count === 1;
    },
  };
}
export type ClientRepository = ReturnType<typeof clientRepository>;
