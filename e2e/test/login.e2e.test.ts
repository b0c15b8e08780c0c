import type { Stack } from '@oidc-ref/stack';
import { Browser, csrfFrom } from '@oidc-ref/test-kit';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Opens the RP, is sent to the OP's login page; returns the page and where it lives. */
async function reachLoginPage(browser: Browser) {
  const start = await browser.get(`${stack.rpUrl}/login`);
  const { response, url, visited } = await browser.follow(start, `${stack.rpUrl}/login`);
  return { page: response, html: await response.text(), url, visited };
}

it('signs alice in at the RP through the OP, into her acme tenant', async () => {
  const browser = new Browser();
  const { html, url, visited } = await reachLoginPage(browser);
  expect(visited[0]).toMatch(new RegExp(`^${stack.opUrl}/authorize\\?`));
  const authorize = new URL(visited[0]!);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('client_id')).toBe('demo-rp');
  expect(url).toMatch(new RegExp(`^${stack.opUrl}/interaction/`));
  expect(html).toContain('Sign in');

  const posted = await browser.postForm(`${url}/login`, {
    csrf: csrfFrom(html),
    email: 'alice@acme.example',
    password: 'alice-demo-pass',
  });
  expect(posted.status).toBe(303);
  const landed = await browser.follow(posted, `${url}/login`);
  const callback = landed.visited.find((u) => u.startsWith(`${stack.rpUrl}/callback`));
  expect(callback).toBeDefined();
  expect(new URL(callback!).searchParams.get('iss')).toBe(stack.opUrl);
  expect(landed.url).toBe(`${stack.rpUrl}/account`);
  expect(landed.response.status).toBe(200);
  const account = await landed.response.text();
  expect(account).toContain('alice@acme.example');
  expect(account).toContain('Acme Corporation');
  expect(account).toContain('urn:oidc-ref:acr:pwd');
  expect(browser.cookie('127.0.0.1', 'rp_session')).toBeDefined();
  expect(browser.cookie('127.0.0.1', 'op_session')).toBeDefined();
});

it('lands bob in globex and carol in her personal tenant', async () => {
  for (const [email, password, tenant] of [
    ['bob@globex.example', 'bob-demo-pass', 'Globex Inc.'],
    ['carol@example.com', 'carol-demo-pass', 'Personal'],
  ] as const) {
    const browser = new Browser();
    const { html, url } = await reachLoginPage(browser);
    const posted = await browser.postForm(`${url}/login`, { csrf: csrfFrom(html), email, password });
    const landed = await browser.follow(posted, url);
    const account = await landed.response.text();
    expect(landed.url).toBe(`${stack.rpUrl}/account`);
    expect(account).toContain(email);
    expect(account).toContain(tenant);
  }
});

it('refuses a bad password with a clear message, and the RP stays signed out', async () => {
  const browser = new Browser();
  const { html, url } = await reachLoginPage(browser);
  const posted = await browser.postForm(`${url}/login`, { csrf: csrfFrom(html), email: 'alice@acme.example', password: 'nope' });
  expect(posted.status).toBe(401);
  expect(await posted.text()).toContain('Incorrect email or password.');
  expect(browser.cookie('127.0.0.1', 'op_session')).toBeUndefined();
  const account = await browser.get(`${stack.rpUrl}/account`);
  expect(account.status).toBeGreaterThanOrEqual(300);
  expect(account.status).toBeLessThan(400);
});

it('serves discovery and both health endpoints over real HTTP', async () => {
  const discovery = (await (await fetch(`${stack.opUrl}/.well-known/openid-configuration`)).json()) as { issuer: string };
  expect(discovery.issuer).toBe(stack.opUrl);
  for (const base of [stack.opUrl, stack.rpUrl]) {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }
});
