// Interop: openid-client (a certified OpenID Connect RP library) registers itself dynamically
// at the running OP, then signs a user in with encrypted ID tokens and signed, or signed and
// encrypted, UserInfo responses, which it decrypts and verifies itself.
import { webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import { generateEncryptionKey, type EncryptionKeyPair } from '@oidc-ref/crypto';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { startHttpOp, type HttpOp } from '../helpers/http-op.js';

const REDIRECT_URI = 'https://rp.test/callback';
const INITIAL_ACCESS_TOKEN = 'iat-interop-0123456789abcdef0123456789';
let op: HttpOp;
let user: UserRecord;
let rsa: EncryptionKeyPair;
let ec: EncryptionKeyPair;

beforeAll(async () => {
  op = await startHttpOp({ OP_REGISTRATION: 'initial_access_token', OP_REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN });
  user = await createUser(op.repos, { name: 'Interop Registered' });
  rsa = await generateEncryptionKey('RSA-OAEP-256');
  ec = await generateEncryptionKey('ECDH-ES+A256KW');
});
afterAll(() => op.close());

/** The RP's private decryption keys, as openid-client wants them (WebCrypto keys). */
async function decryptionKeys(): Promise<client.DecryptionKey[]> {
  const rsaKey = await webcrypto.subtle.importKey('jwk', rsa.privateJwk, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt', 'unwrapKey']);
  const ecKey = await webcrypto.subtle.importKey('jwk', ec.privateJwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  return [
    { key: rsaKey, kid: rsa.kid, alg: 'RSA-OAEP-256' },
    { key: ecKey, kid: ec.kid, alg: 'ECDH-ES+A256KW' },
  ];
}

async function registerAndSignIn(metadata: Partial<client.ClientMetadata>) {
  const config = await client.dynamicClientRegistration(
    new URL(op.issuer),
    { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_post', ...metadata },
    undefined,
    { initialAccessToken: INITIAL_ACCESS_TOKEN, execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
  );
  client.enableDecryptingResponses(config, ['A128CBC-HS256', 'A256GCM'], ...(await decryptionKeys()));
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { config, tokens };
}

it('registers with an initial access token, then runs code + PKCE with plain responses', async () => {
  const { config, tokens } = await registerAndSignIn({});
  const metadata = config.clientMetadata();
  expect(metadata.client_id).toBeDefined();
  expect(metadata.client_secret).toBeDefined();
  expect(metadata.registration_access_token).toBeDefined();
  expect(tokens.claims()).toMatchObject({ iss: op.issuer, sub: user.id, aud: metadata.client_id });
  const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
  expect(info).toMatchObject({ sub: user.id, email: user.email });
});

it('encrypted ID token (RSA-OAEP-256 around ES256) and signed UserInfo (EdDSA)', async () => {
  const { config, tokens } = await registerAndSignIn({
    jwks: { keys: [rsa.publicJwk] },
    id_token_signed_response_alg: 'ES256',
    id_token_encrypted_response_alg: 'RSA-OAEP-256',
    userinfo_signed_response_alg: 'EdDSA',
  });
  expect(tokens.id_token?.split('.')).toHaveLength(5);
  expect(tokens.claims()).toMatchObject({ sub: user.id, aud: config.clientMetadata().client_id });
  const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
  expect(info).toMatchObject({ sub: user.id, email: user.email, iss: op.issuer, aud: config.clientMetadata().client_id });
});

// openid-client accepts an encrypted UserInfo response only around a JWS (nested), so the
// encryption-only form (spec-conformant, OIDC Core §5.3.2) is covered in test/userinfo instead.
it('encrypted UserInfo nested around a signature (ECDH-ES+A256KW, A256GCM, PS256)', async () => {
  const { config, tokens } = await registerAndSignIn({
    jwks: { keys: [ec.publicJwk] },
    userinfo_signed_response_alg: 'PS256',
    userinfo_encrypted_response_alg: 'ECDH-ES+A256KW',
    userinfo_encrypted_response_enc: 'A256GCM',
  });
  const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
  expect(info).toMatchObject({ sub: user.id, name: 'Interop Registered', iss: op.issuer });
});

it('refuses registration without the initial access token', async () => {
  await expect(
    client.dynamicClientRegistration(new URL(op.issuer), { redirect_uris: [REDIRECT_URI] }, undefined, {
      execute: [client.allowInsecureRequests],
    }),
  ).rejects.toMatchObject({ status: 401 });
});
