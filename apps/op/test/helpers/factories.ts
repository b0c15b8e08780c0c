import { randomBytes } from 'node:crypto';
import { hashPassword, pkceS256Challenge, randomToken } from '@oidc-ref/crypto';
import type { ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { Repositories } from '../../src/repositories/index.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';

const unique = () => randomBytes(4).toString('hex');

export interface ClientOverrides {
  id?: string;
  secret?: string | null;
  firstParty?: boolean;
  metadata?: ClientMetadataInput;
}

/** A client with a random id; metadata overrides are merged over a confidential code client. */
export async function createClient(repos: Repositories, overrides: ClientOverrides = {}): Promise<ClientRecord> {
  return repos.clients.save({
    id: overrides.id ?? `client-${unique()}`,
    secret: overrides.secret === undefined ? randomToken(32) : overrides.secret,
    firstParty: overrides.firstParty ?? true,
    metadata: {
      client_name: 'Test Client',
      redirect_uris: ['https://rp.test/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      ...overrides.metadata,
    },
  });
}

// Hashing is slow on purpose; tests share one hash of the one test password.
let passwordHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery staple';

export async function createUser(
  repos: Repositories,
  overrides: { email?: string; name?: string; organization?: { id: string; name: string } | null; totpSecret?: string } = {},
): Promise<UserRecord> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  let organizationId: string | null = null;
  if (overrides.organization) {
    await repos.organizations.upsert({ ...overrides.organization, slug: overrides.organization.id });
    organizationId = overrides.organization.id;
  }
  return repos.users.upsertByEmail({
    email: overrides.email ?? `user-${unique()}@example.test`,
    name: overrides.name ?? 'Test User',
    emailVerified: true,
    organizationId,
    passwordHash: await passwordHash,
    ...(overrides.totpSecret !== undefined && { totpSecret: overrides.totpSecret }),
  });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(48);
  return { verifier, challenge: pkceS256Challenge(verifier) };
}
