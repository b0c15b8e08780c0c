import request from 'supertest';
import { PrismaPg } from '@prisma/adapter-pg';
import { sha256Base64Url } from '@oidc-ref/crypto';
import { createApp } from '../../src/app.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { createLogger } from '../../src/logger.js';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { createRepositories } from '../../src/repositories/index.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient } from '../helpers/factories.js';

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap();
});
afterAll(() => op.dispose());

function ccClient(metadata: Record<string, unknown> = {}, secret?: string | null): Promise<ClientRecord> {
  return createClient(op.repos, {
    ...(secret !== undefined && { secret }),
    metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read api:write', ...metadata },
  });
}

const clientCredentials = (client: ClientRecord, form: Record<string, string> = {}, app = op.app) =>
  request(app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials', ...form });

describe('a successful request', () => {
  it('returns an opaque Bearer token for the registered scope, with no ID token or refresh token', async () => {
    const client = await ccClient();
    const res = await clientCredentials(client);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: op.config.ttl.accessToken,
      scope: 'api:read api:write',
    });
    const stored = await op.repos.accessTokens.findLive(sha256Base64Url(res.body.access_token), op.clock.now);
    expect(stored).toMatchObject({ clientId: client.id, userId: null, grantId: null, scope: 'api:read api:write' });
  });

  it('narrows to a requested subset of the registered scope', async () => {
    const client = await ccClient();
    const res = await clientCredentials(client, { scope: 'api:write' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('api:write');
  });

  it('issues a token with no scope to a client that registered none', async () => {
    const client = await ccClient({ scope: undefined });
    const res = await clientCredentials(client);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('scope');
  });

  it('gives a token that UserInfo refuses (there is no user)', async () => {
    const client = await ccClient({ scope: 'openid api:read' });
    const res = await clientCredentials(client);
    expect(res.body.scope).toBe('api:read');
    const userinfo = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(userinfo.status).toBe(401);
  });
});

describe('invalid_scope', () => {
  it('for a scope the client did not register', async () => {
    const res = await clientCredentials(await ccClient(), { scope: 'api:read api:admin' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('for openid, even when registered', async () => {
    const res = await clientCredentials(await ccClient({ scope: 'openid api:read' }), { scope: 'openid' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('for any scope when the client registered none', async () => {
    const res = await clientCredentials(await ccClient({ scope: undefined }), { scope: 'api:read' });
    expect(res.body.error).toBe('invalid_scope');
  });
});

describe('unauthorized_client', () => {
  it('for a client not registered for client_credentials', async () => {
    const client = await createClient(op.repos);
    const res = await clientCredentials(client);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('for a public client, even one registered for the grant', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'none' }, null);
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: client.id });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('the hot path', () => {
  it('costs one client lookup and one INSERT, nothing else', async () => {
    const db = new PrismaClient({
      adapter: new PrismaPg({ connectionString: op.config.databaseUrl }),
      log: [{ emit: 'event', level: 'query' }],
    });
    const statements: string[] = [];
    db.$on('query', (event) => statements.push(event.query));
    try {
      const app = createApp({
        config: op.config,
        repos: createRepositories(db),
        keys: op.keys,
        logger: createLogger('silent'),
        now: () => op.clock.now,
        checkDatabase: async () => true,
      });
      const client = await ccClient();
      await clientCredentials(client, {}, app); // warm-up
      statements.length = 0;
      const res = await clientCredentials(client, { scope: 'api:read' }, app);
      expect(res.status).toBe(200);
      expect(statements).toHaveLength(2);
      expect(statements[0]).toMatch(/^SELECT .* FROM "public"\."clients"/);
      expect(statements[1]).toMatch(/^INSERT INTO "access_tokens"/);
    } finally {
      await db.$disconnect();
    }
  });
});
