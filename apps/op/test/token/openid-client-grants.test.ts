// Interop: openid-client (a certified OpenID Connect RP library) against the OP over real HTTP,
// for the token endpoint's grants and client authentication methods.
import { webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { startHttpOp, type HttpOp } from '../helpers/http-op.js';

const REDIRECT_URI = 'https://rp.test/callback';
const SECRET = 'an-interop-client-secret-long-enough-for-hs512-0123456789abcdef';
let op: HttpOp;
let user: UserRecord;

beforeAll(async () => {
  op = await startHttpOp();
  user = await createUser(op.repos, { name: 'Interop User' });
});
afterAll(() => op.close());
// openid-client uses the real clock for assertions and ID tokens: keep the OP's clock with it.
beforeEach(() => {
  op.clock.now = new Date();
});

function configFor(clientId: string, auth: client.ClientAuth) {
  return client.discovery(new URL(op.issuer), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

async function ecKeyPair(): Promise<{ privateKey: webcrypto.CryptoKey; publicJwk: Record<string, unknown> }> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const publicJwk = { ...(await webcrypto.subtle.exportKey('jwk', pair.publicKey)), kid: 'interop-key', alg: 'ES256', use: 'sig' };
  return { privateKey: pair.privateKey, publicJwk };
}

async function signIn(config: client.Configuration, scope = 'openid email') {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });
  return client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
}

const responseError = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected an error response');
    },
    (err: unknown) => err as client.ResponseBodyError,
  );

it('private_key_jwt (ES256, registered jwks): code flow, then a refresh with a fresh assertion', async () => {
  const { privateKey, publicJwk } = await ecKeyPair();
  const registered = await createClient(op.repos, {
    secret: null,
    metadata: {
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [publicJwk as { kty: string }] },
    },
  });
  const config = await configFor(registered.id, client.PrivateKeyJwt({ key: privateKey, kid: 'interop-key' }));
  const tokens = await signIn(config);
  expect(tokens.claims()?.sub).toBe(user.id);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.claims()?.sub).toBe(user.id);
});

it('client_secret_jwt with client_credentials', async () => {
  const registered = await createClient(op.repos, {
    secret: SECRET,
    metadata: {
      redirect_uris: [],
      response_types: [],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_jwt',
      scope: 'api:read api:write',
    },
  });
  const config = await configFor(registered.id, client.ClientSecretJwt(SECRET));
  const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
  expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'api:read' });
  expect(tokens.id_token).toBeUndefined();
  expect(tokens.refresh_token).toBeUndefined();
  const refused = await responseError(client.clientCredentialsGrant(config, { scope: 'openid' }));
  expect(refused.error).toBe('invalid_scope');
});

it('refresh with rotation: each refresh token works once; reuse revokes the family', async () => {
  const registered = await createClient(op.repos, {
    metadata: { redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'] },
  });
  const config = await configFor(registered.id, client.ClientSecretBasic(registered.secret!));
  const first = await signIn(config);
  expect(first.refresh_token).toBeTruthy();

  const second = await client.refreshTokenGrant(config, first.refresh_token!);
  expect(second.refresh_token).toBeTruthy();
  expect(second.refresh_token).not.toBe(first.refresh_token);
  expect(second.claims()).toMatchObject({ sub: user.id, aud: registered.id, auth_time: first.claims()?.auth_time });
  expect(second.claims()).not.toHaveProperty('nonce');
  await expect(client.fetchUserInfo(config, second.access_token, user.id)).resolves.toMatchObject({ sub: user.id });

  const narrowed = await client.refreshTokenGrant(config, second.refresh_token!, { scope: 'openid' });
  expect(narrowed.scope).toBe('openid');

  const reuse = await responseError(client.refreshTokenGrant(config, first.refresh_token!));
  expect(reuse.error).toBe('invalid_grant');
  const afterReuse = await responseError(client.refreshTokenGrant(config, narrowed.refresh_token!));
  expect(afterReuse.error).toBe('invalid_grant');
});

it('a public client (none) with PKCE, refreshing with its client_id alone', async () => {
  const registered = await createClient(op.repos, {
    secret: null,
    metadata: { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
  });
  const config = await configFor(registered.id, client.None());
  const first = await signIn(config);
  const refreshed = await client.refreshTokenGrant(config, first.refresh_token!);
  expect(refreshed.access_token).toBeTruthy();
  const refused = await responseError(client.clientCredentialsGrant(config));
  expect(refused.error).toBe('unauthorized_client');
});

it('password (legacy, registered clients only): an access token and no ID token', async () => {
  const registered = await createClient(op.repos, {
    metadata: { redirect_uris: [], response_types: [], grant_types: ['password'] },
  });
  const config = await configFor(registered.id, client.ClientSecretBasic(registered.secret!));
  const tokens = await client.genericGrantRequest(config, 'password', { username: user.email, password: TEST_PASSWORD, scope: 'openid email' });
  expect(tokens.id_token).toBeUndefined();
  await expect(client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck)).resolves.toMatchObject({ email: user.email });
  const wrong = await responseError(client.genericGrantRequest(config, 'password', { username: user.email, password: 'nope' }));
  expect(wrong.error).toBe('invalid_grant');
});
