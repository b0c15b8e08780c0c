import { signJwtWithSecret } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, redirectParams, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos, { secret: 'h'.repeat(64), metadata: { id_token_signed_response_alg: 'HS256' } });
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

it('accepts an HS256 ID token of a client registered for HS256 as id_token_hint', async () => {
  const agent = browser(op.app);
  const { query, verifier } = authorizeQuery(client);
  const { params } = await signIn(agent, query, user.email);
  const tokens = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
  const idToken = tokens.body.id_token as string;
  expect(JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString()).alg).toBe('HS256');

  const silent = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'none', id_token_hint: idToken }).query);
  expect(redirectParams(silent.headers.location as string).get('code')).toBeTruthy();
});

it('refuses an HS256 hint made with another secret, and HS hints for clients not registered for HS', async () => {
  const forged = await signJwtWithSecret({ iss: ISSUER, sub: user.id, aud: client.id, exp: 1 }, 'x'.repeat(64));
  const res = await browser(op.app).get('/authorize').query(authorizeQuery(client, { id_token_hint: forged }).query);
  expect(redirectParams(res.headers.location as string).get('error')).toBe('invalid_request');

  const rsClient = await createClient(op.repos);
  const withItsSecret = await signJwtWithSecret({ iss: ISSUER, sub: user.id, aud: rsClient.id, exp: 1 }, rsClient.secret!);
  const refused = await browser(op.app).get('/authorize').query(authorizeQuery(rsClient, { id_token_hint: withItsSecret }).query);
  expect(redirectParams(refused.headers.location as string).get('error')).toBe('invalid_request');
});
