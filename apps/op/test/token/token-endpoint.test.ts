import request from 'supertest';
import { DiscoveryMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient } from '../helpers/factories.js';

let op: TestOp;
let client: ClientRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos, {
    metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api' },
  });
});
afterAll(() => op.dispose());

const post = () => request(op.app).post('/token').set('Authorization', basic(client));

describe('transport', () => {
  it('refuses a repeated parameter with invalid_request, before anything else', async () => {
    const res = await post().type('form').send('grant_type=client_credentials&scope=api&scope=api');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
  });

  it('refuses a repeated client_id before authenticating', async () => {
    const res = await request(op.app).post('/token').type('form').send(`grant_type=client_credentials&client_id=${client.id}&client_id=x`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('treats an empty parameter as absent', async () => {
    const res = await post().type('form').send('grant_type=client_credentials&scope=');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('api');
  });

  it('answers other methods with 405, no-store and an Allow header', async () => {
    const res = await request(op.app).get('/token').query({ grant_type: 'client_credentials' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, OPTIONS');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers CORS preflight and sends CORS headers on responses', async () => {
    const preflight = await request(op.app).options('/token').set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const res = await post().set('Origin', 'https://spa.example').type('form').send({ grant_type: 'client_credentials' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers a non-form body with invalid_request and no-store', async () => {
    const res = await post().send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a missing grant_type with invalid_request and an unknown one with unsupported_grant_type', async () => {
    const missing = await post().type('form').send({ scope: 'api' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    const unknown = await post().type('form').send({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('unsupported_grant_type');
  });
});

describe('discovery', () => {
  it('advertises the grants, the five client authentication methods and their algorithms (never none)', async () => {
    const res = await request(op.app).get('/.well-known/openid-configuration');
    const metadata = DiscoveryMetadataSchema.parse(res.body);
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(metadata.grant_types_supported).not.toContain('password');
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ]);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA']);
  });
});
