import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, csrfFrom, redirectParams, signIn } from '../helpers/browser.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';

let op: TestOp;
let thirdParty: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  thirdParty = await createClient(op.repos, { firstParty: false, metadata: { client_name: 'Third Party App' } });
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

async function loginThenConsentPage(extra: Record<string, string> = {}) {
  const agent = browser(op.app);
  const start = await agent.get('/authorize').query(authorizeQuery(thirdParty, extra).query);
  const url = start.headers.location as string;
  const login = await agent.get(url);
  await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(login.text), email: user.email, password: TEST_PASSWORD });
  const consent = await agent.get(url);
  return { agent, url, consent };
}

it('asks a third-party client for consent, naming the client and the scopes', async () => {
  const { consent } = await loginThenConsentPage();
  expect(consent.status).toBe(200);
  expect(consent.text).toContain('Allow Third Party App?');
  expect(consent.text).toContain('See your email address');
});

it('sends access_denied with state when the user denies', async () => {
  const { agent, url, consent } = await loginThenConsentPage();
  const res = await agent.post(`${url}/consent`).type('form').send({ csrf: csrfFrom(consent.text), decision: 'deny' });
  const params = redirectParams(res.headers.location as string);
  expect(params.get('error')).toBe('access_denied');
  expect(params.get('state')).toBe('state-123');
  expect(params.get('code')).toBeNull();
});

it('remembers consent, and asks again under prompt=consent', async () => {
  const agent = browser(op.app);
  const first = await signIn(agent, authorizeQuery(thirdParty).query, user.email);
  expect(first.params.get('code')).toBeTruthy();

  const silent = await agent.get('/authorize').query(authorizeQuery(thirdParty).query);
  expect(redirectParams(silent.headers.location as string).get('code')).toBeTruthy();

  const forced = await agent.get('/authorize').query(authorizeQuery(thirdParty, { prompt: 'consent' }).query);
  const page = await agent.get(forced.headers.location as string);
  expect(page.text).toContain('Allow Third Party App?');
});

it('answers prompt=none with consent_required when consent is missing', async () => {
  const other = await createClient(op.repos, { firstParty: false });
  const agent = browser(op.app);
  await signIn(agent, authorizeQuery(thirdParty).query, user.email);
  const res = await agent.get('/authorize').query(authorizeQuery(other, { prompt: 'none' }).query);
  expect(redirectParams(res.headers.location as string).get('error')).toBe('consent_required');
});

it('skips consent for first-party clients', async () => {
  const firstParty = await createClient(op.repos, { firstParty: true });
  const agent = browser(op.app);
  const start = await agent.get('/authorize').query(authorizeQuery(firstParty).query);
  const url = start.headers.location as string;
  const login = await agent.get(url);
  const posted = await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(login.text), email: user.email, password: TEST_PASSWORD });
  const done = await agent.get(posted.headers.location as string);
  expect(done.status).toBe(303);
  expect(redirectParams(done.headers.location as string).get('code')).toBeTruthy();
});
