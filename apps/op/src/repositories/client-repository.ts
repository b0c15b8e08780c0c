import { ClientMetadataSchema, type ClientMetadata, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import { sqlQuery, type Db } from '../db/client.js';
import type { SqlStatement } from './token-rows.js';

/**
 * A registered client: its id and secret, and its metadata with defaults applied. Records may be
 * shared between requests (see the cache in {@link clientRepository}): treat them as read-only.
 */
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
  /** Command endpoints per OP tenant (none when absent); see `commandEndpointFor`. */
  tenantCommandEndpoints?: Readonly<Record<string, string>>;
}

export interface SaveClientInput {
  id: string;
  secret: string | null;
  firstParty?: boolean;
  metadata: ClientMetadataInput;
  registrationTokenHash?: string | null;
}

export interface ClientRepositoryOptions {
  /**
   * How long a client read from the database is reused, in seconds (default 30; 0 turns the
   * cache off). `save` and `delete` through this repository clear the entry at once; a change
   * made by another process is seen here after at most this long.
   */
  cacheTtlSeconds?: number;
  /** Most clients kept (default 10 000); the oldest entry goes first. */
  maxEntries?: number;
  /** The cache's clock, in ms (tests). */
  nowMs?: () => number;
}

/** The default of `OP_CLIENT_CACHE_TTL_SECONDS`. */
export const CLIENT_CACHE_TTL_SECONDS = 30;

interface ClientRow {
  id: string;
  secret: string | null;
  firstParty: boolean;
  metadata: unknown;
  tenantCommandEndpoints: unknown;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function toRecord(row: ClientRow): ClientRecord {
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
    tenantCommandEndpoints: stringMap(row.tenantCommandEndpoints),
  };
}

/** Every token request reads its client: a named statement, not a Prisma query. */
const CLIENT_BY_ID: SqlStatement = {
  name: 'op_client_by_id',
  text: 'SELECT "id", "secret", "first_party" AS "firstParty", "metadata", "tenant_command_endpoints" AS "tenantCommandEndpoints" FROM "clients" WHERE "id" = $1',
};

interface CacheEntry {
  record: ClientRecord;
  expiresAtMs: number;
}

export function clientRepository(db: Db, options: ClientRepositoryOptions = {}) {
  const ttlMs = (options.cacheTtlSeconds ?? CLIENT_CACHE_TTL_SECONDS) * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const nowMs = options.nowMs ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  // Bumped by save/delete, so that a read that started before a change does not cache its
  // (possibly stale) result after it.
  const generations = new Map<string, number>();
  const generation = (id: string) => generations.get(id) ?? 0;
  const forget = (id: string) => {
    cache.delete(id);
    generations.set(id, generation(id) + 1);
  };

  async function load(id: string): Promise<ClientRecord | null> {
    const { rows } = await sqlQuery<ClientRow>(db, CLIENT_BY_ID, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  return {
    /**
     * The client, from the in-process cache when it was read less than the TTL ago. Unknown ids
     * are not cached: a client registered by another process is found at once.
     */
    async findById(id: string): Promise<ClientRecord | null> {
      if (ttlMs === 0) return load(id);
      const hit = cache.get(id);
      if (hit !== undefined) {
        if (hit.expiresAtMs > nowMs()) return hit.record;
        cache.delete(id);
      }
      const before = generation(id);
      const record = await load(id);
      if (record !== null && generation(id) === before) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
        cache.set(id, { record, expiresAtMs: nowMs() + ttlMs });
      }
      return record;
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
      forget(input.id);
      try {
        const row = await db.client.upsert({ where: { id: input.id }, create: { id: input.id, ...data }, update: data });
        return toRecord(row);
      } finally {
        forget(input.id);
      }
    },
    /**
     * Sets (or, with `null`, removes) the command endpoint of one OP tenant, in one statement
     * (concurrent changes to other tenants are kept). False for an unknown client.
     */
    async setTenantCommandEndpoint(id: string, tenant: string, url: string | null): Promise<boolean> {
      forget(id);
      try {
        const count =
          url === null
            ? await db.$executeRaw`UPDATE "clients" SET "tenant_command_endpoints" = "tenant_command_endpoints" - ${tenant}::text, "updated_at" = now() WHERE "id" = ${id}`
            : await db.$executeRaw`UPDATE "clients" SET "tenant_command_endpoints" = "tenant_command_endpoints" || jsonb_build_object(${tenant}::text, ${url}::text), "updated_at" = now() WHERE "id" = ${id}`;
        return count === 1;
      } finally {
        forget(id);
      }
    },
    async delete(id: string): Promise<boolean> {
      forget(id);
      try {
        const { count } = await db.client.deleteMany({ where: { id } });
        return count === 1;
      } finally {
        forget(id);
      }
    },
  };
}
export type ClientRepository = ReturnType<typeof clientRepository>;
