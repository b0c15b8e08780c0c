import request from 'supertest';
import { sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await passwordClient();
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

function passwordClient(metadata: Record<string, unknown> = {}, secret?: string | null): Promise<ClientRecord> {
  return createClient(op.repos, {
    ...(secret !== undefined && { secret }),
    metadata: { grant_types: ['password'], response_types: [], redirect_uris: [], ...metadata },
  });
}

const passwordGrant = (forClient: ClientRecord, form: Record<string, string>) =>
  request(op.app).post('/token').set('Authorization', basic(forClient)).type('form').send({ grant_type: 'password', ...form });

describe('off unless registered', () => {
  it('answers unauthorized_client to a client not registered for the grant', async () => {
    const codeClient = await createClient(op.repos);
    const res = await passwordGrant(codeClient, { username: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('answers unauthorized_client to a public client, even one registered for it', async () => {
    const publicClient = await passwordClient({ token_endpoint_auth_method: 'none' }, null);
    const res = await request(op.app)
      .post('/token')
      .type('form')
      .send({ grant_type: 'password', client_id: publicClient.id, username: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('a successful request', () => {
  it('returns an access token and no ID token; the token carries acr and amr of a password login', async () => {
    const res = await passwordGrant(client, { username: user.email, password: TEST_PASSWORD, scope: 'openid email' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: op.config.ttl.accessToken,
      scope: 'openid email',
    });
    const stored = await op.repos.accessTokens.findLive(sha256Base64Url(res.body.access_token), op.clock.now);
    expect(stored).toMatchObject({ userId: user.id, acr: 'urn:oidc-ref:acr:pwd', amr: ['pwd'], authTime: op.clock.now, sessionId: null });
    const userinfo = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(userinfo.status).toBe(200);
    expect(userinfo.body.email).toBe(user.email);
  });

  it('accepts the username in any letter case', async () => {
    const res = await passwordGrant(client, { username: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
  });

  it('adds a refresh token for a client registered for refresh_token, which then rotates', async () => {
    const withRefresh = await passwordClient({ grant_types: ['password', 'refresh_token'] });
    const res = await passwordGrant(withRefresh, { username: user.email, password: TEST_PASSWORD, scope: 'email' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('id_token');
    expect(res.body.refresh_token).toBeTruthy();
    const stored = await op.repos.refreshTokens.findById(sha256Base64Url(res.body.refresh_token));
    expect(stored).toMatchObject({ sessionId: null, scope: 'email', clientId: withRefresh.id });
    const refreshed = await request(op.app)
      .post('/token')
      .set('Authorization', basic(withRefresh))
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('email');
  });
});

describe('refusals', () => {
  it('answers a wrong password and an unknown user alike with invalid_grant', async () => {
    const wrong = await passwordGrant(client, { username: user.email, password: 'not the password' });
    const unknown = await passwordGrant(client, { username: 'nobody@example.test', password: TEST_PASSWORD });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('invalid_grant');
  });

  it.each(['username', 'password'])('requires %s (invalid_request)', async (missing) => {
    const form: Record<string, string> = { username: user.email, password: TEST_PASSWORD };
    delete form[missing];
    const res = await passwordGrant(client, form);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers invalid_scope for a scope outside the registered one', async () => {
    const scoped = await passwordClient({ scope: 'api:read' });
    const res = await passwordGrant(scoped, { username: user.email, password: TEST_PASSWORD, scope: 'api:write' });
    expect(res.body.error).toBe('invalid_scope');
  });
});

describe('brute-force protection', () => {
  it('locks client + username after five failures, refusing even the right password until the window passes', async () => {
    const victim = await createUser(op.repos);
    for (let i = 0; i < 5; i++) {
      const res = await passwordGrant(client, { username: victim.email, password: `guess-${i}` });
      expect(res.body.error).toBe('invalid_grant');
    }
    const locked = await passwordGrant(client, { username: victim.email, password: TEST_PASSWORD });
    expect(locked.status).toBe(400);
    expect(locked.body).toEqual({ error: 'invalid_grant', error_description: 'too many failed attempts; try again later' });

    // other users, and the same user through another client, are not affected
    expect((await passwordGrant(client, { username: user.email, password: TEST_PASSWORD })).status).toBe(200);
    const otherClient = await passwordClient();
    expect((await passwordGrant(otherClient, { username: victim.email, password: TEST_PASSWORD })).status).toBe(200);

    op.clock.advance(15 * 60 + 1);
    expect((await passwordGrant(client, { username: victim.email, password: TEST_PASSWORD })).status).toBe(200);
  });
});
