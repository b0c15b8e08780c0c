// The three response types that return an access token from the authorization endpoint
// (`id_token token`, `code token`, `code id_token token`). openid-client 6 deliberately does not
// implement them (OAuth 2.1 drops front-channel access tokens), so here openid-client builds the
// request, discovers the OP, exchanges the code and calls UserInfo with the front-channel access
// token, while the front-channel ID token is checked against the OP's published JWKS by the
// rules of OIDC Core §3.2.2.11 / §3.3.2.12 (signature, iss, aud, nonce, at_hash, c_hash).
import * as client from 'openid-client';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';
import { tokenHash, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { createFrontChannelClient } from '../helpers/front-channel.js';
import { startHttpOp, type HttpOp } from '../helpers/http-op.js';

const REDIRECT_URI = 'https://rp.test/callback';
let op: HttpOp;
let user: UserRecord;
let registered: ClientRecord;
let config: client.Configuration;

beforeAll(async () => {
  op = await startHttpOp();
  user = await createUser(op.repos, { name: 'Token Types' });
  registered = await createFrontChannelClient(op.repos, { metadata: { redirect_uris: [REDIRECT_URI] } });
  config = await client.discovery(new URL(op.issuer), registered.id, registered.secret!, client.ClientSecretBasic(registered.secret!), {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
});
afterAll(() => op.close());

async function frontChannel(responseType: string) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    response_type: responseType,
    redirect_uri: REDIRECT_URI,
    scope: 'openid email',
    nonce,
    state,
    ...(responseType.includes('code') && {
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }),
  });
  const { url: callback } = await signInAtOp(new Browser(), url.href, { email: user.email, password: TEST_PASSWORD });
  const redirect = new URL(callback);
  expect(redirect.search).toBe(''); // token-bearing responses never travel in the query
  return { params: new URLSearchParams(redirect.hash.slice(1)), verifier, nonce, state };
}

async function verifyFrontChannelIdToken(idToken: string, nonce: string) {
  const jwks = (await (await fetch(config.serverMetadata().jwks_uri!)).json()) as { keys: object[] };
  const { payload, header } = await verifyJwtWithJwks(idToken, jwks, { issuer: op.issuer, audience: registered.id, requiredClaims: ['exp', 'iat'] });
  expect(payload.nonce).toBe(nonce);
  return { payload, alg: header.alg };
}

/** The code part, as openid-client would take a code response. */
async function exchange(params: URLSearchParams, verifier: string, state: string, nonce: string) {
  const asQuery = new URL(REDIRECT_URI);
  for (const name of ['code', 'state', 'iss']) asQuery.searchParams.set(name, params.get(name)!);
  return client.authorizationCodeGrant(config, asQuery, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
}

it('id_token token: a verified ID token bound to the access token, which openid-client uses at UserInfo', async () => {
  const { params, nonce, state } = await frontChannel('id_token token');
  expect(params.get('state')).toBe(state);
  expect(params.get('iss')).toBe(op.issuer);
  expect(params.get('code')).toBeNull();
  expect(params.get('token_type')).toBe('Bearer');
  const { payload, alg } = await verifyFrontChannelIdToken(params.get('id_token')!, nonce);
  expect(payload.at_hash).toBe(tokenHash(params.get('access_token')!, alg));
  const info = await client.fetchUserInfo(config, params.get('access_token')!, user.id);
  expect(info).toMatchObject({ sub: user.id, email: user.email });
});

it('code token: openid-client exchanges the code; both access tokens work', async () => {
  const { params, verifier, nonce, state } = await frontChannel('code token');
  expect(params.get('id_token')).toBeNull();
  const tokens = await exchange(params, verifier, state, nonce);
  expect(tokens.claims()?.sub).toBe(user.id);
  for (const token of [params.get('access_token')!, tokens.access_token]) {
    expect((await client.fetchUserInfo(config, token, user.id)).sub).toBe(user.id);
  }
});

it('code id_token token: c_hash and at_hash bind the code and token; the same subject at both endpoints', async () => {
  const { params, verifier, nonce, state } = await frontChannel('code id_token token');
  const { payload, alg } = await verifyFrontChannelIdToken(params.get('id_token')!, nonce);
  expect(payload.c_hash).toBe(tokenHash(params.get('code')!, alg));
  expect(payload.at_hash).toBe(tokenHash(params.get('access_token')!, alg));
  expect(payload.s_hash).toBe(tokenHash(state, alg));
  const tokens = await exchange(params, verifier, state, nonce);
  expect(tokens.claims()).toMatchObject({ iss: payload.iss, sub: payload.sub });
});

it('client_credentials with client_secret_basic', async () => {
  const machine = await createFrontChannelClient(op.repos, {
    metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read api:write' },
  });
  const machineConfig = await client.discovery(new URL(op.issuer), machine.id, machine.secret!, client.ClientSecretBasic(machine.secret!), {
    execute: [client.allowInsecureRequests],
  });
  const tokens = await client.clientCredentialsGrant(machineConfig, { scope: 'api:read' });
  expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'api:read' });
  expect(tokens.id_token).toBeUndefined();
  expect(tokens.refresh_token).toBeUndefined();
});
