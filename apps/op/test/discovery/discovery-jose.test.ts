// Discovery states exactly the JOSE and registration support that works: every advertised
// algorithm can be registered, nothing else can, and registration_endpoint appears only when
// registration is enabled.
import request from 'supertest';
import { generateEncryptionKey, generateSigningKey, type JweAlg } from '@oidc-ref/crypto';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';

let op: TestOp;
let metadata: Record<string, unknown>;
beforeAll(async () => {
  op = await bootstrap({ OP_REGISTRATION: 'open' });
  metadata = (await request(op.app).get('/.well-known/openid-configuration')).body;
});
afterAll(() => op.dispose());

const list = (name: string) => metadata[name] as string[];
const register = (body: object) => request(op.app).post('/register').send({ redirect_uris: ['https://rp.test/cb'], ...body });

it('advertises exactly the signing and encryption algorithms the OP implements', () => {
  expect(list('id_token_signing_alg_values_supported')).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256', 'HS384', 'HS512', 'none']);
  expect(list('userinfo_signing_alg_values_supported')).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256', 'HS384', 'HS512']);
  const algs = ['RSA-OAEP-256', 'RSA-OAEP', 'ECDH-ES+A256KW', 'ECDH-ES+A128KW', 'ECDH-ES'];
  const encs = ['A128CBC-HS256', 'A256CBC-HS512', 'A128GCM', 'A256GCM'];
  expect(list('id_token_encryption_alg_values_supported')).toEqual(algs);
  expect(list('id_token_encryption_enc_values_supported')).toEqual(encs);
  expect(list('userinfo_encryption_alg_values_supported')).toEqual(algs);
  expect(list('userinfo_encryption_enc_values_supported')).toEqual(encs);
  // The OP publishes no encryption key: request objects cannot be encrypted to it.
  expect(metadata).not.toHaveProperty('request_object_encryption_alg_values_supported');
  expect(metadata.registration_endpoint).toBe(`${ISSUER}/register`);
});

it('publishes one signing key for each advertised asymmetric ID token algorithm', async () => {
  const jwks = JSON.parse((await request(op.app).get('/jwks')).text) as { keys: Array<{ alg: string; use: string }> };
  const asymmetric = list('id_token_signing_alg_values_supported').filter((alg) => !alg.startsWith('HS') && alg !== 'none');
  const signing = jwks.keys.filter((key) => key.use === 'sig');
  expect([...new Set(signing.map((key) => key.alg))].sort()).toEqual([...asymmetric].sort());
  // Besides them, exactly the OP's own encryption key (for encrypted id_token_hints).
  expect(jwks.keys.filter((key) => key.use !== 'sig')).toEqual([expect.objectContaining({ use: 'enc', alg: 'RSA-OAEP-256' })]);
});

it('registers every advertised signing algorithm, and refuses one it does not advertise', async () => {
  for (const alg of list('id_token_signing_alg_values_supported')) {
    expect((await register({ id_token_signed_response_alg: alg })).status).toBe(201);
  }
  for (const alg of list('userinfo_signing_alg_values_supported')) {
    expect((await register({ userinfo_signed_response_alg: alg })).status).toBe(201);
  }
  expect((await register({ id_token_signed_response_alg: 'ES512' })).body.error).toBe('invalid_client_metadata');
});

it('registers every advertised encryption algorithm and content encryption', async () => {
  for (const alg of list('id_token_encryption_alg_values_supported') as JweAlg[]) {
    const key = await generateEncryptionKey(alg);
    for (const enc of list('id_token_encryption_enc_values_supported')) {
      const res = await register({
        jwks: { keys: [key.publicJwk] },
        id_token_encrypted_response_alg: alg,
        id_token_encrypted_response_enc: enc,
        userinfo_encrypted_response_alg: alg,
        userinfo_encrypted_response_enc: enc,
      });
      expect(res.status).toBe(201);
    }
  }
  expect((await register({ jwks_uri: 'https://rp.test/jwks', id_token_encrypted_response_alg: 'RSA1_5' })).body.error).toBe(
    'invalid_client_metadata',
  );
});

it('registers every advertised response type and token endpoint auth method', async () => {
  for (const type of list('response_types_supported')) {
    const words = type.split(' ');
    const grants = [...(words.includes('code') ? ['authorization_code'] : []), ...(words.some((w) => w !== 'code') ? ['implicit'] : [])];
    expect((await register({ response_types: [type], grant_types: grants })).status).toBe(201);
  }
  const key = await generateSigningKey('ES256');
  for (const method of list('token_endpoint_auth_methods_supported')) {
    const res = await register({ token_endpoint_auth_method: method, ...(method === 'private_key_jwt' && { jwks: { keys: [key.publicJwk] } }) });
    expect(res.status).toBe(201);
  }
});
