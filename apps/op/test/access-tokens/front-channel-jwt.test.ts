// The authorization endpoint issues access tokens in the client's format too: a client
// registered for RFC 9068 JWT access tokens gets one from `id_token token` and hybrid responses,
// carrying the acr and auth_time of the authentication (step-up digest §6, RFC 9470 §6.1).
import request from 'supertest';
import { tokenHash, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser } from '../helpers/browser.js';
import { createUser } from '../helpers/factories.js';
import { authorizeAndSignIn, createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

it('gives a JWT access token with acr and auth_time, bound by at_hash, usable at UserInfo', async () => {
  const client = await createFrontChannelClient(op.repos, { metadata: { access_token_format: 'jwt' } as never });
  const { query } = authorizeQuery(client, { response_type: 'code id_token token', scope: 'openid email' });
  const res = await authorizeAndSignIn(browser(op.app), query, user.email);
  const { params } = readAuthorizationResponse(res);
  const accessToken = params.get('access_token')!;
  const jwks = (await request(op.app).get('/jwks')).body;
  const { payload, header } = await verifyJwtWithJwks(accessToken, jwks, { issuer: ISSUER, typ: 'at+jwt' });
  expect(header.typ).toBe('at+jwt');
  expect(payload).toMatchObject({ sub: user.id, client_id: client.id, acr: 'urn:oidc-ref:acr:pwd', scope: 'openid email' });
  expect(typeof payload.auth_time).toBe('number');
  const idToken = await verifyJwtWithJwks(params.get('id_token')!, jwks, { issuer: ISSUER, audience: client.id });
  expect(idToken.payload.at_hash).toBe(tokenHash(accessToken, idToken.header.alg));
  const info = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${accessToken}`);
  expect(info.status).toBe(200);
  expect(info.body.sub).toBe(user.id);
});
