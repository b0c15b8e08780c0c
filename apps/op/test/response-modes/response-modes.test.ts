import request from 'supertest';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser } from '../helpers/browser.js';
import { createUser } from '../helpers/factories.js';
import { authorizeAndSignIn, createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createFrontChannelClient(op.repos, {
    metadata: { redirect_uris: ['https://rp.test/callback', 'https://rp.test/cb?tenant=a'] },
  });
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)]),
  );
}

function expectFormPostPage(res: request.Response) {
  expect(res.status).toBe(200);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  const csp = directives(res.headers['content-security-policy'] as string);
  const nonce = /^'nonce-([A-Za-z0-9_-]+)'$/.exec(csp.get('script-src') ?? '')?.[1];
  expect(nonce).toBeTruthy();
  expect(csp.get('default-src')).toBe("'none'");
  expect(csp.get('form-action')).toBe('https://rp.test');
  expect(csp.get('frame-ancestors')).toBe("'none'");
  const scripts = [...res.text.matchAll(/<script([^>]*)>/g)];
  expect(scripts).toHaveLength(1);
  expect(scripts[0]![1]).toBe(` nonce="${nonce}"`);
  expect(res.text).toMatch(/<noscript>.*<button type="submit">/s);
  return readAuthorizationResponse(res);
}

describe('form_post', () => {
  it('posts a code to the redirect URI from an auto-submitting, uncacheable page', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'form_post' });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    const delivered = expectFormPostPage(res);
    expect(delivered.target).toBe('https://rp.test/callback');
    expect(res.text).toContain('<form method="post" action="https://rp.test/callback">');
    expect([...delivered.params.keys()].sort()).toEqual(['code', 'iss', 'state']);
    expect(delivered.params.get('iss')).toBe(ISSUER);
  });

  it('posts tokens for implicit and hybrid responses, never in a URL', async () => {
    for (const responseType of ['id_token token', 'code id_token token']) {
      const { query } = authorizeQuery(client, { response_mode: 'form_post', response_type: responseType });
      const res = await authorizeAndSignIn(browser(op.app), query, user.email);
      const delivered = expectFormPostPage(res);
      expect(delivered.params.get('access_token')).toBeTruthy();
      expect(delivered.params.get('id_token')).toBeTruthy();
    }
  });

  it('HTML-escapes every value, state included', async () => {
    const state = `"><script>alert('x')</script><input name="`;
    const { query } = authorizeQuery(client, { response_mode: 'form_post', state });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    expect(res.text).not.toContain("<script>alert('x')");
    expect(expectFormPostPage(res).params.get('state')).toBe(state);
  });

  it('keeps the redirect URI query in the form action, escaped', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'form_post', redirect_uri: 'https://rp.test/cb?tenant=a' });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    expect(expectFormPostPage(res).target).toBe('https://rp.test/cb?tenant=a');
  });

  it('delivers prompt=none errors as a form_post page too', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'form_post', prompt: 'none' });
    const res = await request(op.app).get('/authorize').query(query);
    const delivered = expectFormPostPage(res);
    expect(delivered.params.get('error')).toBe('login_required');
    expect(delivered.params.get('state')).toBe('state-123');
  });

  it('delivers a cancelled sign-in as a form_post page', async () => {
    const agent = browser(op.app);
    const start = await agent.get('/authorize').query(authorizeQuery(client, { response_mode: 'form_post' }).query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await agent.post(`${url}/abort`).type('form').send({ csrf });
    expect(expectFormPostPage(res).params.get('error')).toBe('access_denied');
  });
});

describe('query and fragment', () => {
  it('puts a code in the query by default, keeping the redirect URI query', async () => {
    const { query } = authorizeQuery(client, { redirect_uri: 'https://rp.test/cb?tenant=a' });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    expect(res.status).toBe(303);
    const url = new URL(res.headers.location as string);
    expect(url.hash).toBe('');
    expect(url.searchParams.get('tenant')).toBe('a');
    expect(url.searchParams.get('code')).toBeTruthy();
  });

  it('puts a code in the fragment when asked', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'fragment' });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    const url = new URL(res.headers.location as string);
    expect(url.search).toBe('');
    expect(new URLSearchParams(url.hash.slice(1)).get('code')).toBeTruthy();
  });

  it('puts tokens in the fragment by default and never in the query', async () => {
    for (const responseType of ['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']) {
      const { query } = authorizeQuery(client, { response_type: responseType });
      const res = await authorizeAndSignIn(browser(op.app), query, user.email);
      const url = new URL(res.headers.location as string);
      expect(url.search).toBe('');
      expect(url.hash.length).toBeGreaterThan(1);
    }
  });
});
