import { sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, csrfFrom } from '../helpers/browser.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { authorizeAndSignIn, createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let thirdParty: ClientRecord;
let user: UserRecord;

const OFFLINE_TEXT = 'offline access';

beforeAll(async () => {
  op = await bootstrap();
  thirdParty = await createFrontChannelClient(op.repos, { firstParty: false, metadata: { client_name: 'Offline App' } });
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

async function consentPage(extra: Record<string, string>, client = thirdParty) {
  const agent = browser(op.app);
  const start = await agent.get('/authorize').query(authorizeQuery(client, { scope: 'openid offline_access', ...extra }).query);
  const url = start.headers.location as string;
  const login = await agent.get(url);
  await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(login.text), email: user.email, password: TEST_PASSWORD });
  return { agent, url, page: await agent.get(url) };
}

const codeScope = async (code: string) => (await op.db.authorizationCode.findUnique({ where: { id: sha256Base64Url(code) } }))?.scope;

it('keeps offline_access with a code and prompt=consent: shown on the consent page, recorded, granted', async () => {
  const fresh = await createUser(op.repos);
  const agent = browser(op.app);
  const start = await agent
    .get('/authorize')
    .query(authorizeQuery(thirdParty, { scope: 'openid offline_access', prompt: 'consent' }).query);
  const url = start.headers.location as string;
  const login = await agent.get(url);
  await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(login.text), email: fresh.email, password: TEST_PASSWORD });
  const page = await agent.get(url);
  expect(page.text).toContain(OFFLINE_TEXT);
  const res = await agent.post(`${url}/consent`).type('form').send({ csrf: csrfFrom(page.text), decision: 'allow' });
  const code = readAuthorizationResponse(res).params.get('code')!;
  expect(await codeScope(code)).toBe('openid offline_access');
  expect(await op.repos.consents.scopesGranted(fresh.id, thirdParty.id)).toEqual(expect.arrayContaining(['openid', 'offline_access']));
});

it('drops offline_access silently without prompt=consent', async () => {
  const { agent, url, page } = await consentPage({});
  expect(page.text).toContain('Allow Offline App?');
  expect(page.text).not.toContain(OFFLINE_TEXT);
  const res = await agent.post(`${url}/consent`).type('form').send({ csrf: csrfFrom(page.text), decision: 'allow' });
  const delivered = readAuthorizationResponse(res);
  expect(delivered.params.get('error')).toBeNull();
  expect(await codeScope(delivered.params.get('code')!)).toBe('openid');
});

it('drops offline_access for a response type without a code, even under prompt=consent', async () => {
  const { agent, url, page } = await consentPage({ response_type: 'id_token token', prompt: 'consent' });
  expect(page.text).not.toContain(OFFLINE_TEXT);
  const res = await agent.post(`${url}/consent`).type('form').send({ csrf: csrfFrom(page.text), decision: 'allow' });
  const delivered = readAuthorizationResponse(res);
  expect(delivered.params.get('scope')).toBe('openid');
  const row = await op.db.accessToken.findUnique({ where: { id: sha256Base64Url(delivered.params.get('access_token')!) } });
  expect(row?.scope).toBe('openid');
});

it('keeps offline_access for a first-party client under prompt=consent (consent by registration)', async () => {
  const firstParty = await createFrontChannelClient(op.repos, { firstParty: true });
  const res = await authorizeAndSignIn(
    browser(op.app),
    authorizeQuery(firstParty, { scope: 'openid offline_access', prompt: 'consent' }).query,
    user.email,
  );
  expect(await codeScope(readAuthorizationResponse(res).params.get('code')!)).toBe('openid offline_access');
});
