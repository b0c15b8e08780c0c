// The implicit and hybrid response types as openid-client (a certified RP library) consumes
// them, over real HTTP: it checks the ID token signature, nonce, c_hash, s_hash and iss.
import * as client from 'openid-client';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { createFrontChannelClient } from '../helpers/front-channel.js';
import { startHttpOp, type HttpOp } from '../helpers/http-op.js';

const REDIRECT_URI = 'https://rp.test/callback';
let op: HttpOp;
let user: UserRecord;

beforeAll(async () => {
  op = await startHttpOp();
  user = await createUser(op.repos, { name: 'Front Channel' });
});
afterAll(() => op.close());

async function configFor() {
  const registered = await createFrontChannelClient(op.repos, { metadata: { redirect_uris: [REDIRECT_URI] } });
  const config = await client.discovery(new URL(op.issuer), registered.id, registered.secret!, client.ClientSecretBasic(registered.secret!), {
    execute: [client.allowInsecureRequests],
  });
  return { config, registered };
}

it('response_type=id_token: openid-client accepts the implicit ID token', async () => {
  const { config, registered } = await configFor();
  client.useIdTokenResponseType(config);
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid email', nonce, state });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });
  const claims = await client.implicitAuthentication(config, new URL(callback), nonce, { expectedState: state });
  expect(claims).toMatchObject({ iss: op.issuer, sub: user.id, aud: registered.id, email: user.email });
});

it('response_type=code id_token: openid-client validates c_hash and s_hash, then exchanges the code', async () => {
  const { config } = await configFor();
  client.useCodeIdTokenResponseType(config);
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email',
    nonce,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  expect(tokens.claims()?.sub).toBe(user.id);
});
