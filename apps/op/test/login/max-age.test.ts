import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { createClient, createUser } from '../helpers/factories.js';
import { readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

it("applies the client's default_max_age when the request has no max_age", async () => {
  const client = await createClient(op.repos, { metadata: { default_max_age: 60 } });
  const agent = browser(op.app);
  await signIn(agent, authorizeQuery(client).query, user.email);
  const fresh = await agent.get('/authorize').query(authorizeQuery(client).query);
  expect(readAuthorizationResponse(fresh).params.get('code')).toBeTruthy();

  op.clock.advance(120);
  const stale = await agent.get('/authorize').query(authorizeQuery(client).query);
  expect(stale.headers.location).toMatch(/^\/interaction\//);
  const silent = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'none' }).query);
  expect(readAuthorizationResponse(silent).params.get('error')).toBe('login_required');

  const explicit = await agent.get('/authorize').query(authorizeQuery(client, { max_age: '3600' }).query);
  expect(readAuthorizationResponse(explicit).params.get('code')).toBeTruthy();
});

it('shows the login page again under prompt=select_account, even with a session', async () => {
  const client = await createClient(op.repos);
  const agent = browser(op.app);
  await signIn(agent, authorizeQuery(client).query, user.email);
  const res = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'select_account' }).query);
  expect(res.headers.location).toMatch(/^\/interaction\//);
  const page = await agent.get(res.headers.location as string);
  expect(page.text).toContain('name="password"');
});
