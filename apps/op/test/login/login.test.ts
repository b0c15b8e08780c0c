import request from 'supertest';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, csrfFrom, redirectParams, signIn } from '../helpers/browser.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos);
  user = await createUser(op.repos, { organization: { id: 'acme-test', name: 'Acme Test' } });
});
afterAll(() => op.dispose());

async function openLoginPage(extra: Record<string, string> = {}) {
  const agent = browser(op.app);
  const { query } = authorizeQuery(client, extra);
  const start = await agent.get('/authorize').query(query);
  const interactionUrl = start.headers.location as string;
  const page = await agent.get(interactionUrl);
  return { agent, interactionUrl, page, csrf: csrfFrom(page.text) };
}

const sessionCookieSet = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('op_session='));

it('shows a login page that cannot be framed and pre-fills login_hint', async () => {
  const { page } = await openLoginPage({ login_hint: 'someone@example.test' });
  expect(page.status).toBe(200);
  expect(page.text).toContain('name="password"');
  expect(page.text).toContain('value="someone@example.test"');
  expect(page.headers['x-frame-options']).toBe('DENY');
  expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(page.headers['content-security-policy']).toContain('form-action');
});

it('refuses a bad password with a clear message and no session', async () => {
  const { agent, interactionUrl, csrf } = await openLoginPage();
  const res = await agent.post(`${interactionUrl}/login`).type('form').send({ csrf, email: user.email, password: 'wrong' });
  expect(res.status).toBe(401);
  expect(res.text).toContain('Incorrect email or password.');
  expect(sessionCookieSet(res)).toBe(false);
  expect(await op.db.session.count({ where: { userId: user.id } })).toBe(0);
});

it('gives an unknown email the same answer as a wrong password', async () => {
  const { agent, interactionUrl, csrf } = await openLoginPage();
  const res = await agent.post(`${interactionUrl}/login`).type('form').send({ csrf, email: 'nobody@example.test', password: 'x' });
  expect(res.status).toBe(401);
  expect(res.text).toContain('Incorrect email or password.');
});

it('rejects a login form without the CSRF token', async () => {
  const { agent, interactionUrl } = await openLoginPage();
  const res = await agent.post(`${interactionUrl}/login`).type('form').send({ email: user.email, password: TEST_PASSWORD });
  expect(res.status).toBe(403);
  expect(sessionCookieSet(res)).toBe(false);
});

it('rejects a login form posted from another browser (no interaction cookie)', async () => {
  const { interactionUrl, csrf } = await openLoginPage();
  const res = await request(op.app).post(`${interactionUrl}/login`).type('form').send({ csrf, email: user.email, password: TEST_PASSWORD });
  expect(res.status).toBe(403);
  expect(sessionCookieSet(res)).toBe(false);
});

it('signs in and redirects to the client with a code, state and iss', async () => {
  const agent = browser(op.app);
  const { query } = authorizeQuery(client);
  const { location, params } = await signIn(agent, query, user.email);
  expect(location.startsWith('https://rp.test/callback?')).toBe(true);
  expect(params.get('code')).toMatch(/^[\w-]{43}$/);
  expect(params.get('state')).toBe('state-123');
  expect(params.get('iss')).toBe(ISSUER);
  expect(await op.db.session.count({ where: { userId: user.id } })).toBe(1);
});

it('reuses the session: a second request gets a code without a login page', async () => {
  const agent = browser(op.app);
  await signIn(agent, authorizeQuery(client).query, user.email);
  const res = await agent.get('/authorize').query(authorizeQuery(client).query);
  expect(res.status).toBe(303);
  expect(redirectParams(res.headers.location as string).get('code')).toBeTruthy();
});

it.each([['prompt=login', { prompt: 'login' }], ['max_age=0', { max_age: '0' }]])(
  'asks for the password again under %s',
  async (_name, extra) => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const again = await agent.get('/authorize').query(authorizeQuery(client, extra).query);
    expect(again.headers.location).toMatch(/^\/interaction\//);
    const page = await agent.get(again.headers.location as string);
    expect(page.text).toContain('name="password"');
    // and after re-authenticating, the request completes
    const { params } = await signIn(agent, authorizeQuery(client, extra).query, user.email);
    expect(params.get('code')).toBeTruthy();
  },
);

it('answers prompt=none with a live session by issuing a code silently', async () => {
  const agent = browser(op.app);
  await signIn(agent, authorizeQuery(client).query, user.email);
  const res = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'none' }).query);
  expect(redirectParams(res.headers.location as string).get('code')).toBeTruthy();
});

it('expires an abandoned interaction', async () => {
  const { agent, interactionUrl } = await openLoginPage();
  op.clock.advance(op.config.ttl.interaction + 1);
  const res = await agent.get(interactionUrl);
  expect(res.status).toBe(400);
  expect(res.text).toContain('expired');
});

it('sends access_denied when the user cancels', async () => {
  const { agent, interactionUrl, csrf } = await openLoginPage();
  const res = await agent.post(`${interactionUrl}/abort`).type('form').send({ csrf });
  expect(res.status).toBe(303);
  const params = redirectParams(res.headers.location as string);
  expect(params.get('error')).toBe('access_denied');
  expect(params.get('state')).toBe('state-123');
});
