// Interop: openid-client (a certified OpenID Connect RP library) against the running OP over
// real HTTP, authorization code flow with PKCE.
import * as client from 'openid-client';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { startHttpOp, type HttpOp } from '../helpers/http-op.js';

const REDIRECT_URI = 'https://rp.test/callback';
let op: HttpOp;
let user: UserRecord;

beforeAll(async () => {
  op = await startHttpOp();
  user = await createUser(op.repos, { name: 'Interop User', organization: { id: 'org-interop', name: 'Interop Org' } });
});
afterAll(() => op.close());

/** Plain http is allowed because the OP is on loopback; every ID token signature is checked. */
async function configFor(clientId: string, secret: string, auth: client.ClientAuth) {
  return client.discovery(new URL(op.issuer), clientId, secret, auth, {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

it('code + PKCE with client_secret_basic: tokens, ID token and userinfo validated by openid-client', async () => {
  const registered = await createClient(op.repos, { metadata: { redirect_uris: [REDIRECT_URI] } });
  const config = await configFor(registered.id, registered.secret!, client.ClientSecretBasic(registered.secret!));
  expect(config.serverMetadata().issuer).toBe(op.issuer);

  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });

  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({ iss: op.issuer, sub: user.id, aud: registered.id, tenant: 'org-interop' });
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(info).toMatchObject({ sub: user.id, email: user.email, name: 'Interop User' });
});

it('code + PKCE with client_secret_post', async () => {
  const registered = await createClient(op.repos, {
    metadata: { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_post' },
  });
  const config = await configFor(registered.id, registered.secret!, client.ClientSecretPost(registered.secret!));
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, idTokenExpected: true });
  expect(tokens.claims()?.sub).toBe(user.id);
});
