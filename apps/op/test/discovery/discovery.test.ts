import request from 'supertest';
import { DiscoveryMetadataSchema } from '@oidc-ref/token-schemas';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap();
});
afterAll(() => op.dispose());

it('publishes metadata whose issuer is the URL prefix, with CORS', async () => {
  const res = await request(op.app).get('/.well-known/openid-configuration');
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe('*');
  const metadata = DiscoveryMetadataSchema.parse(res.body);
  expect(metadata.issuer).toBe(ISSUER);
  for (const endpoint of [metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri, metadata.userinfo_endpoint]) {
    expect(endpoint?.startsWith(`${ISSUER}/`)).toBe(true);
  }
  expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
  expect(metadata.response_types_supported).toEqual(['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);
  expect(metadata.response_modes_supported).toEqual(['query', 'fragment', 'form_post']);
  expect(metadata.claims_parameter_supported).toBe(true);
  expect(metadata.request_parameter_supported).toBe(true);
  expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  // defaults that would overclaim are stated explicitly
  expect(metadata.request_uri_parameter_supported).toBe(false);
  expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'implicit']));
});

it('serves the endpoints it advertises', async () => {
  const { body } = await request(op.app).get('/.well-known/openid-configuration');
  for (const url of [body.jwks_uri, body.userinfo_endpoint]) {
    const res = await request(op.app).get(new URL(url).pathname);
    expect(res.status).not.toBe(404);
  }
});

it('publishes public keys only, with kid, alg and use', async () => {
  const res = await request(op.app).get('/jwks');
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toContain('max-age');
  const keys = JSON.parse(res.text).keys as Record<string, unknown>[];
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(['sig', 'enc']).toContain(key.use);
    expect(['RS256', 'PS256', 'ES256', 'EdDSA', 'RSA-OAEP-256']).toContain(key.alg);
    expect(typeof key.kid).toBe('string');
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
  }
});

it('keeps the same key across restarts (keys live in the database)', async () => {
  const before = op.keys.current().publicJwks();
  await op.keys.reload();
  expect(op.keys.current().publicJwks()).toEqual(before);
});
