import request from 'supertest';
import { generateEncryptionKey } from '@oidc-ref/crypto';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';

// RFC 9701 §6 client metadata through dynamic registration: what discovery advertises, and only that.

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap({ OP_REGISTRATION: 'open' });
});
afterAll(() => op.dispose());

const WEB = { redirect_uris: ['https://rp.test/cb'] };
const register = (body: object) => request(op.app).post('/register').send({ ...WEB, ...body });

it('accepts every advertised introspection signing algorithm', async () => {
  const { body } = await request(op.app).get('/.well-known/openid-configuration');
  for (const alg of body.introspection_signing_alg_values_supported as string[]) {
    const res = await register({ introspection_signed_response_alg: alg });
    expect(res.status).toBe(201);
    expect(res.body.introspection_signed_response_alg).toBe(alg);
  }
});

it.each([
  ['an HMAC alg (not evidence from the OP)', { introspection_signed_response_alg: 'HS256' }],
  ['alg none', { introspection_signed_response_alg: 'none' }],
  ['an enc without its alg', { introspection_encrypted_response_enc: 'A128GCM' }],
  ['encryption without client keys', { introspection_encrypted_response_alg: 'RSA-OAEP-256' }],
  ['an unadvertised encryption alg', { introspection_encrypted_response_alg: 'RSA1_5', jwks_uri: 'https://rp.test/jwks' }],
])('refuses %s with invalid_client_metadata', async (_name, metadata) => {
  const res = await register(metadata);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_client_metadata');
});

it('fills in the default enc for encrypted responses', async () => {
  const rsa = await generateEncryptionKey('RSA-OAEP-256');
  const res = await register({ introspection_encrypted_response_alg: 'RSA-OAEP-256', jwks: { keys: [rsa.publicJwk] } });
  expect(res.status).toBe(201);
  expect(res.body.introspection_encrypted_response_enc).toBe('A128CBC-HS256');
});
