import request from 'supertest';
import { decodeJwtUnverified, sha256Base64Url, verifyJwtWithJwks } from '@oidc-ref/crypto';
import { createApp } from '../../src/app.js';
import { createDb, sqlPool } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { createRepositories } from '../../src/repositories/index.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
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
  it('returns an RFC 9068 JWT access token by default, for the registered scope, with no ID token or refresh token', async () => {
    const client = await ccClient();
    const res = await clientCredentials(client);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: op.config.ttl.jwtAccessToken,
      scope: 'api:read api:write',
    });
    const jwks = (await request(op.app).get('/jwks')).body;
    const { header, payload } = await verifyJwtWithJwks(res.body.access_token, jwks, {
      issuer: ISSUER,
      audience: ISSUER,
      typ: 'at+jwt',
      currentDate: op.clock.now,
    });
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: client.id,
      aud: ISSUER,
      client_id: client.id,
      iat: Math.floor(op.clock.now.getTime() / 1000),
      exp: Math.floor(op.clock.now.getTime() / 1000) + op.config.ttl.jwtAccessToken,
      jti: expect.stringMatching(/^[\w-]{43}$/),
      scope: 'api:read api:write',
    });
    // Self-contained: nothing is stored.
    expect(await op.repos.accessTokens.findById(payload.jti as string)).toBeNull();
    expect(await op.repos.accessTokens.findById(sha256Base64Url(res.body.access_token))).toBeNull();
  });

  it('returns an opaque, stored Bearer token to a client registered with access_token_format opaque', async () => {
    const client = await ccClient({ access_token_format: 'opaque' });
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

  it('leaves scope out of a JWT issued with no scope', async () => {
    const client = await ccClient({ scope: undefined });
    const res = await clientCredentials(client);
    expect(decodeJwtUnverified(res.body.access_token).payload).not.toHaveProperty('scope');
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

  it.each(['jwt', 'opaque'])('gives a token (%s) that UserInfo refuses (there is no user)', async (format) => {
    const client = await ccClient({ scope: 'openid api:read', access_token_format: format });
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
  async function countingApp() {
    const db = createDb(op.config.databaseUrl);
    // Prisma's queries and the repositories' raw statements all go through this pool.
    const query = jest.spyOn(sqlPool(db), 'query');
    const app = createApp({
      config: op.config,
      repos: createRepositories(db),
      keys: op.keys,
      logger: createLogger('silent'),
      now: () => op.clock.now,
      checkDatabase: async () => true,
    });
    const statements = () => query.mock.calls.map(([config]) => (typeof config === 'string' ? config : (config as { text: string }).text));
    return { app, db, query, statements };
  }

  it('reads the client once, then issues JWTs without touching the database', async () => {
    const { app, db, query, statements } = await countingApp();
    try {
      const client = await ccClient();
      const first = await clientCredentials(client, {}, app);
      expect(first.status).toBe(200);
      expect(statements()).toHaveLength(1);
      expect(statements()[0]).toMatch(/^SELECT .* FROM "clients"/);
      query.mockClear();
      for (let i = 0; i < 3; i++) expect((await clientCredentials(client, { scope: 'api:read' }, app)).status).toBe(200);
      expect(statements()).toEqual([]);
    } finally {
      await db.$disconnect();
    }
  });

  it('costs one INSERT per token for a client registered for opaque tokens', async () => {
    const { app, db, query, statements } = await countingApp();
    try {
      const client = await ccClient({ access_token_format: 'opaque' });
      await clientCredentials(client, {}, app); // reads and caches the client
      query.mockClear();
      expect((await clientCredentials(client, { scope: 'api:read' }, app)).status).toBe(200);
      expect(statements()).toHaveLength(1);
      expect(statements()[0]).toMatch(/^INSERT INTO "access_tokens"/);
    } finally {
      await db.$disconnect();
    }
  });
});
