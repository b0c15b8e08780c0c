import request from 'supertest';
import { decodeJwtUnverified, sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { csrfFrom } from '../helpers/browser.js';
import { basic } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';
import { signInAt } from './sign-in.js';

let op: TestOp;
let user: UserRecord;
let other: UserRecord;
/** post_logout_redirect_uris + back-channel, no front-channel: a trusted logout is a 303. */
let rp: ClientRecord;
/** Front-channel with iss/sid required. */
let fc: ClientRecord;

const BYE = 'https://rp.test/bye';

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
  other = await createUser(op.repos);
  rp = await createClient(op.repos, {
    metadata: {
      redirect_uris: ['https://rp.test/callback'],
      post_logout_redirect_uris: [BYE, 'https://rp.test/bye?lang=en'],
      backchannel_logout_uri: 'https://rp.test/backchannel',
      backchannel_logout_session_required: true,
    } as never,
  });
  fc = await createClient(op.repos, {
    metadata: {
      redirect_uris: ['https://fc.test/callback'],
      post_logout_redirect_uris: ['https://fc.test/bye'],
      frontchannel_logout_uri: 'https://fc.test/frontchannel?tenant=acme',
      frontchannel_logout_session_required: true,
    } as never,
  });
});
// No delivery worker runs here: rows stay pending and point at https://*.test.
afterAll(() => op.dispose());

const exchange = (client: ClientRecord, refreshToken: string) =>
  request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken });
const alive = async (sid: string) => (await op.repos.sessions.findById(sid)) !== null;
const logoutRows = (sid: string) => op.db.commandDelivery.findMany({ where: { kind: 'backchannel_logout', sid } });

describe('discovery', () => {
  it('publishes end_session_endpoint and the back- and front-channel logout support', async () => {
    const res = await request(op.app).get('/.well-known/openid-configuration').expect(200);
    expect(res.body).toMatchObject({
      end_session_endpoint: `${ISSUER}/session/end`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
    });
  });
});

describe('a trusted request (valid id_token_hint for the session)', () => {
  it('ends the session at once, enqueues the back-channel logout and redirects to the registered URI with state', async () => {
    const { agent, idToken, sid } = await signInAt(op.app, rp, user.email);
    expect(await alive(sid)).toBe(true);
    const res = await agent.get('/session/end').query({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'st-1', ui_locales: 'fr-CA en' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BYE}?state=st-1`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => /^op_session=;/.test(c))).toBe(true);
    expect(await alive(sid)).toBe(false);
    expect(await op.db.rpSession.count({ where: { sessionId: sid } })).toBe(0);
    expect(await logoutRows(sid)).toEqual([
      expect.objectContaining({ clientId: rp.id, sub: user.id, sid, status: 'pending', command: 'backchannel_logout', tenant: 'personal' }),
    ]);
    // The session is gone for the browser too: prompt=none now needs a login.
    const again = await agent.get('/session/end').query({ id_token_hint: idToken, post_logout_redirect_uri: BYE });
    expect(again.status).toBe(303);
    expect(await logoutRows(sid)).toHaveLength(1);
  });

  it('keeps the query of a registered post_logout_redirect_uri and works as a POST form too', async () => {
    const { agent, idToken, sid } = await signInAt(op.app, rp, user.email);
    const res = await agent.post('/session/end').type('form').send({ id_token_hint: idToken, post_logout_redirect_uri: 'https://rp.test/bye?lang=en', state: 's 2' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://rp.test/bye?lang=en&state=s+2');
    expect(await alive(sid)).toBe(false);
  });

  it('turns a POST without the session cookie (a cross-site form: SameSite=Lax) into the same request as a GET', async () => {
    const { agent, idToken, sid } = await signInAt(op.app, rp, user.email);
    const res = await request(op.app).post('/session/end').type('form').send({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'p', other: 'x' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location as string, ISSUER);
    expect(location.pathname).toBe('/session/end');
    expect(Object.fromEntries(location.searchParams)).toEqual({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'p' });
    expect(await alive(sid)).toBe(true);
    const followed = await agent.get(`${location.pathname}${location.search}`);
    expect(followed.status).toBe(303);
    expect(followed.headers.location).toBe(`${BYE}?state=p`);
    expect(await alive(sid)).toBe(false);
    // An invalid POST is refused at once, never bounced.
    expect((await request(op.app).post('/session/end').type('form').send({ client_id: rp.id, post_logout_redirect_uri: 'https://evil.test/' })).status).toBe(400);
  });

  it('accepts an expired id_token_hint', async () => {
    const { agent, idToken, sid } = await signInAt(op.app, rp, user.email);
    op.clock.advance(op.config.ttl.idToken + 60);
    try {
      const res = await agent.get('/session/end').query({ id_token_hint: idToken, client_id: rp.id, post_logout_redirect_uri: BYE });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(BYE);
      expect(await alive(sid)).toBe(false);
    } finally {
      op.clock.advance(-(op.config.ttl.idToken + 60));
    }
  });

  it('revokes the access and refresh tokens bound to the session, but not offline_access ones', async () => {
    const offline = await createClient(op.repos, {
      firstParty: false,
      metadata: { grant_types: ['authorization_code', 'refresh_token'], post_logout_redirect_uris: ['https://rp.test/bye'] } as never,
    });
    const { agent, idToken, sid, refreshToken: bound } = await signInAt(op.app, offline, user.email, undefined, { scope: 'openid' });
    const { refreshToken: kept } = await signInAt(op.app, offline, user.email, agent, { scope: 'openid offline_access', prompt: 'consent' });
    expect(bound).toBeDefined();
    expect(kept).toBeDefined();
    const row = (value: string) => op.db.refreshToken.findUniqueOrThrow({ where: { id: sha256Base64Url(value) } });
    expect((await row(kept!)).sessionId).toBeNull();
    expect(await op.db.accessToken.count({ where: { sessionId: sid, revokedAt: null } })).toBeGreaterThan(0);
    await agent.get('/session/end').query({ id_token_hint: idToken }).expect(200);
    expect((await row(bound!)).revokedAt).not.toBeNull();
    expect((await row(kept!)).revokedAt).toBeNull();
    expect(await op.db.accessToken.count({ where: { sessionId: sid, revokedAt: null } })).toBe(0);
    // The bound refresh token no longer works; the offline one still does.
    expect((await exchange(offline, bound!)).status).toBe(400);
    expect((await exchange(offline, kept!)).status).toBe(200);
  });
});

describe('the front-channel page', () => {
  it('renders an iframe per frontchannel_logout_uri with iss and sid, then continues to the redirect', async () => {
    const agent = (await signInAt(op.app, rp, user.email)).agent;
    const { idToken, sid } = await signInAt(op.app, fc, user.email, agent);
    const res = await agent.get('/session/end').query({ id_token_hint: idToken, post_logout_redirect_uri: 'https://fc.test/bye', state: 'x<y' });
    expect(res.status).toBe(200);
    const frame = `https://fc.test/frontchannel?tenant=acme&amp;iss=${encodeURIComponent(ISSUER)}&amp;sid=${sid}`;
    expect(res.text).toContain(`<iframe class="fc" src="${frame}"`);
    // One session, two clients: only the one with a frontchannel_logout_uri gets an iframe.
    expect(res.text.match(/<iframe/g)).toHaveLength(1);
    expect(res.text).toContain('id="continue" href="https://fc.test/bye?state=x%3Cy"');
    const csp = res.headers['content-security-policy'] as string;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(res.text).toContain(`<script nonce="${nonce}">`);
    expect(res.text).toContain('"https://fc.test/bye?state=x%3Cy"');
    expect(csp).toContain('frame-src https://fc.test');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await alive(sid)).toBe(false);
    // Both clients of the session are notified: the back-channel one through the outbox.
    expect((await logoutRows(sid)).map((row) => row.clientId)).toEqual([rp.id]);
  });

  it('leaves iss and sid out for a client that does not require them, and shows the signed-out page without a redirect', async () => {
    const plain = await createClient(op.repos, { metadata: { frontchannel_logout_uri: 'https://rp.test/fc' } as never });
    const { agent, idToken } = await signInAt(op.app, plain, user.email);
    const res = await agent.get('/session/end').query({ id_token_hint: idToken });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<iframe class="fc" src="https://rp.test/fc"');
    expect(res.text).toContain('You are signed out');
    expect(res.text).not.toContain('id="continue"');
    expect(res.text).not.toContain('<script');
  });
});

describe('requests that are refused (an OP page, no redirect, nothing changed)', () => {
  const refused = async (query: Record<string, string>, pattern: RegExp) => {
    const { agent, sid } = await signInAt(op.app, rp, user.email);
    const res = await agent.get('/session/end').query(query);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.type).toBe('text/html');
    expect(res.text).toMatch(pattern);
    expect(await alive(sid)).toBe(true);
    return sid;
  };

  it('an unregistered post_logout_redirect_uri, even with a valid hint', async () => {
    const { idToken } = await signInAt(op.app, rp, user.email);
    await refused({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.test/bye', state: 's' }, /not registered/);
    await refused({ client_id: rp.id, post_logout_redirect_uri: 'https://rp.test/bye/' }, /not registered/);
    await refused({ client_id: rp.id, post_logout_redirect_uri: 'https://RP.test/bye' }, /not registered/);
  });

  it('another client’s registered URI', async () => {
    await refused({ client_id: rp.id, post_logout_redirect_uri: 'https://fc.test/bye' }, /not registered/);
  });

  it('a post_logout_redirect_uri without id_token_hint or client_id', async () => {
    await refused({ post_logout_redirect_uri: BYE }, /needs id_token_hint or client_id/);
  });

  it('an id_token_hint with a bad signature, or not a JWT', async () => {
    const { idToken } = await signInAt(op.app, rp, user.email);
    const [h, p, s] = idToken.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    await refused({ id_token_hint: flipped, post_logout_redirect_uri: BYE }, /id_token_hint/);
    await refused({ id_token_hint: 'not-a-jwt', post_logout_redirect_uri: BYE }, /id_token_hint/);
  });

  it('a client_id that the hint was not issued to', async () => {
    const { idToken } = await signInAt(op.app, rp, user.email);
    await refused({ id_token_hint: idToken, client_id: fc.id, post_logout_redirect_uri: 'https://fc.test/bye' }, /not issued to this client/);
  });

  it('an unknown client_id and a repeated parameter', async () => {
    await refused({ client_id: 'nobody' }, /not a registered client/);
    const { agent, sid } = await signInAt(op.app, rp, user.email);
    const res = await agent.get(`/session/end?client_id=${rp.id}&client_id=${rp.id}`);
    expect(res.status).toBe(400);
    expect(await alive(sid)).toBe(true);
  });
});

describe('confirmation', () => {
  const confirmPage = async (agent: request.Agent, query: Record<string, string>) => {
    const res = await agent.get('/session/end').query(query);
    expect(res.status).toBe(200);
    expect(res.text).toContain('action="/session/end/confirm"');
    return { res, csrf: csrfFrom(res.text) };
  };

  it('is asked without id_token_hint; the CSRF-protected POST ends the session and redirects with state', async () => {
    const { agent, sid } = await signInAt(op.app, rp, user.email);
    const { res, csrf } = await confirmPage(agent, { client_id: rp.id, post_logout_redirect_uri: BYE, state: 'abc' });
    expect(res.text).toContain(user.email);
    expect(res.headers['content-security-policy']).toContain("form-action 'self' https://rp.test");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(await alive(sid)).toBe(true);

    // A forged POST (no or a wrong token) changes nothing.
    const forged = await agent.post('/session/end/confirm').type('form').send({ csrf: 'x'.repeat(43), decision: 'logout', client_id: rp.id, post_logout_redirect_uri: BYE });
    expect(forged.status).toBe(403);
    expect(forged.headers.location).toBeUndefined();
    expect(await alive(sid)).toBe(true);
    // Another browser's token is worthless here too.
    const mallory = await signInAt(op.app, rp, other.email);
    const malloryCsrf = (await confirmPage(mallory.agent, { client_id: rp.id })).csrf;
    expect(malloryCsrf).not.toBe(csrf);
    expect((await agent.post('/session/end/confirm').type('form').send({ csrf: malloryCsrf, decision: 'logout' })).status).toBe(403);

    const done = await agent.post('/session/end/confirm').type('form').send({ csrf, decision: 'logout', client_id: rp.id, post_logout_redirect_uri: BYE, state: 'abc' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${BYE}?state=abc`);
    expect(await alive(sid)).toBe(false);
    expect(await alive(mallory.sid)).toBe(true);
    expect(await logoutRows(sid)).toHaveLength(1);
  });

  it('does not claim an application asked when the request named none (the user opened end_session)', async () => {
    const { agent } = await signInAt(op.app, rp, user.email);
    const bare = (await confirmPage(agent, {})).res.text;
    expect(bare).toContain('Do you want to sign out?');
    expect(bare).not.toContain('asked to sign you out');
    const named = (await confirmPage(agent, { client_id: rp.id })).res.text;
    expect(named).toContain(`${rp.name} asked to sign you out.`);
  });

  it('checks the redirect again on the POST: a tampered post_logout_redirect_uri never redirects', async () => {
    const { agent, sid } = await signInAt(op.app, rp, user.email);
    const { csrf } = await confirmPage(agent, { client_id: rp.id, post_logout_redirect_uri: BYE });
    const res = await agent.post('/session/end/confirm').type('form').send({ csrf, decision: 'logout', client_id: rp.id, post_logout_redirect_uri: 'https://evil.test/' });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(await alive(sid)).toBe(true);
  });

  it('"stay signed in" keeps the session', async () => {
    const { agent, sid } = await signInAt(op.app, rp, user.email);
    const { csrf } = await confirmPage(agent, { client_id: rp.id, post_logout_redirect_uri: BYE, state: 'k' });
    const res = await agent.post('/session/end/confirm').type('form').send({ csrf, decision: 'stay', client_id: rp.id, post_logout_redirect_uri: BYE, state: 'k' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BYE}?state=k`);
    expect(await alive(sid)).toBe(true);
    const { csrf: again } = await confirmPage(agent, {});
    const page = await agent.post('/session/end/confirm').type('form').send({ csrf: again, decision: 'stay' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('still signed in');
    expect(await alive(sid)).toBe(true);
  });

  it('is asked when the hint belongs to another user', async () => {
    const { idToken } = await signInAt(op.app, rp, other.email);
    const { agent, sid } = await signInAt(op.app, rp, user.email);
    await confirmPage(agent, { id_token_hint: idToken, post_logout_redirect_uri: BYE });
    expect(await alive(sid)).toBe(true);
  });

  it('is asked when the hint names an earlier session (its sid), or a logout_hint names someone else', async () => {
    const first = await signInAt(op.app, rp, user.email);
    await first.agent.get('/session/end').query({ id_token_hint: first.idToken }).expect(200);
    const second = await signInAt(op.app, rp, user.email, first.agent);
    expect(second.sid).not.toBe(first.sid);
    await confirmPage(second.agent, { id_token_hint: first.idToken });
    await confirmPage(second.agent, { id_token_hint: second.idToken, logout_hint: other.email });
    expect(await alive(second.sid)).toBe(true);
    // A logout_hint naming the user (email or sub) is no reason to ask.
    const res = await second.agent.get('/session/end').query({ id_token_hint: second.idToken, logout_hint: user.email.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out');
    expect(await alive(second.sid)).toBe(false);
  });
});

describe('without an OP session', () => {
  it('redirects to a valid post_logout_redirect_uri, or shows the signed-out page (not an error)', async () => {
    const { idToken } = await signInAt(op.app, rp, user.email);
    const stranger = request.agent(op.app);
    const res = await stranger.get('/session/end').query({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'z' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BYE}?state=z`);
    const page = await stranger.get('/session/end');
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are signed out');
    expect(decodeJwtUnverified(idToken).payload.sub).toBe(user.id);
  });
});
