import { createHmac } from 'node:crypto';

import request from 'supertest';

import { bootstrap, startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import type { FakeOp } from '../helpers/fake-op.js';
import { alive, BACKCHANNEL_LOGOUT_EVENT, logoutClaims, newUser, signedIn, signLogoutToken } from './helpers.js';

// OIDC Back-Channel Logout 1.0 at the RP: POST /backchannel-logout.
let fixture: RpWithFakeOp;
let op: FakeOp;
let rp: TestRp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});
afterAll(() => fixture?.stop());

const post = (form: Record<string, string> | string, type = 'form') => rp.browser().post('/backchannel-logout').type(type).send(form);
const sendToken = (claims: Record<string, unknown>, typ: string | null = 'logout+jwt') => post({ logout_token: signLogoutToken(op, claims, typ) });
const jtiCount = () => rp.prisma.logoutJti.count();

describe('a valid logout token', () => {
  it('with sid ends only the session signed in through that OP session: 200, no-store', async () => {
    const alice = newUser('alice');
    const first = await signedIn(rp, op, alice);
    const second = await signedIn(rp, op, alice);
    const res = await sendToken(logoutClaims(op, { sid: first.sid }));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await alive(rp, first.sessionId)).toBe(false);
    expect(await alive(rp, second.sessionId)).toBe(true);
    expect((await first.browser.get('/account')).status).toBe(303);
    expect((await second.browser.get('/account')).status).toBe(200);
  });

  it('with sub only ends every session of that user and nobody else', async () => {
    const alice = newUser('alice');
    const bob = newUser('bob');
    const a1 = await signedIn(rp, op, alice);
    const a2 = await signedIn(rp, op, alice);
    const b1 = await signedIn(rp, op, bob);
    const res = await sendToken(logoutClaims(op, { sub: alice.sub }));
    expect(res.status).toBe(200);
    expect(await alive(rp, a1.sessionId)).toBe(false);
    expect(await alive(rp, a2.sessionId)).toBe(false);
    expect(await alive(rp, b1.sessionId)).toBe(true);
  });

  it('with sid and sub ends that session of that user only; a sid of another user ends nothing', async () => {
    const alice = newUser('alice');
    const bob = newUser('bob');
    const a1 = await signedIn(rp, op, alice);
    const a2 = await signedIn(rp, op, alice);
    const b1 = await signedIn(rp, op, bob);
    expect((await sendToken(logoutClaims(op, { sub: alice.sub, sid: b1.sid }))).status).toBe(200);
    expect(await alive(rp, b1.sessionId)).toBe(true);
    expect((await sendToken(logoutClaims(op, { sub: alice.sub, sid: a1.sid }))).status).toBe(200);
    expect(await alive(rp, a1.sessionId)).toBe(false);
    expect(await alive(rp, a2.sessionId)).toBe(true);
  });

  it('for sessions that are already gone is still 200 (idempotent)', async () => {
    const res = await sendToken(logoutClaims(op, { sid: 'sid-nobody', sub: 'nobody' }));
    expect(res.status).toBe(200);
  });
});

describe('a refused logout token is 400 invalid_request and changes nothing', () => {
  const cases: Array<[string, string, (ctx: { sid: string; sub: string }) => string]> = [
    ['with a nonce', 'a logout token must not carry nonce', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, nonce: 'n-1' }))],
    ['with typ JWT', 'the token typ must be logout+jwt', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid }), 'JWT')],
    ['without typ', 'the token typ must be logout+jwt', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid }), null)],
    ['with a wrong aud', 'aud does not contain this client_id', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, aud: 'another-client' }))],
    ['from another issuer', 'iss is not the expected issuer', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, iss: 'https://stranger.example' }))],
    ['without events', 'events must contain http://schemas.openid.net/event/backchannel-logout', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, events: undefined }))],
    ['with an events member that is not an object', 'the back-channel logout event must be a JSON object', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: true } }))],
    ['with neither sid nor sub', 'a logout token needs sub or sid', () => signLogoutToken(op, logoutClaims(op, {}))],
    ['without jti', 'jti is required', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, jti: undefined }))],
    ['expired', 'the logout token has expired', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }))],
    ['issued in the future', 'iat is in the future', ({ sid }) => signLogoutToken(op, logoutClaims(op, { sid, iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 700 }))],
    [
      'with a forged payload',
      'the logout token signature could not be verified',
      ({ sid, sub }) => {
        const [header, , signature] = signLogoutToken(op, logoutClaims(op, { sid: 'sid-other' })).split('.');
        return `${header}.${Buffer.from(JSON.stringify(logoutClaims(op, { sid, sub }))).toString('base64url')}.${signature}`;
      },
    ],
    ['with alg none', 'the token alg is not allowed', ({ sid }) => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(logoutClaims(op, { sid }))).toString('base64url')}.`],
  ];

  it.each(cases)('%s', async (_name, description, make) => {
    const alice = newUser('alice');
    const session = await signedIn(rp, op, alice);
    const before = await jtiCount();
    const res = await post({ logout_token: make({ sid: session.sid, sub: alice.sub }) });
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    expect(await alive(rp, session.sessionId)).toBe(true);
    expect((await session.browser.get('/account')).status).toBe(200);
    expect(await jtiCount()).toBe(before);
  });

  it('HS256 signed with the client secret (not configured)', async () => {
    const alice = newUser('alice');
    const session = await signedIn(rp, op, alice);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'HS256', typ: 'logout+jwt' })}.${b64(logoutClaims(op, { sid: session.sid }))}`;
    const token = `${input}.${createHmac('sha256', op.clientSecret).update(input).digest('base64url')}`;
    const res = await post({ logout_token: token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the token alg is not allowed' });
    expect(await alive(rp, session.sessionId)).toBe(true);
  });

  it('a replayed jti: the first use ends the sessions, the replay ends the new one not', async () => {
    const alice = newUser('alice');
    const first = await signedIn(rp, op, alice);
    const token = signLogoutToken(op, logoutClaims(op, { sub: alice.sub }));
    expect((await post({ logout_token: token })).status).toBe(200);
    expect(await alive(rp, first.sessionId)).toBe(false);
    const again = await signedIn(rp, op, alice);
    const replay = await post({ logout_token: token });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_request', error_description: 'the logout token was already used' });
    expect(await alive(rp, again.sessionId)).toBe(true);
  });

  it('a replayed jti in another token is refused too (the cache is by iss and jti)', async () => {
    const alice = newUser('alice');
    const claims = logoutClaims(op, { sid: 'sid-gone' });
    expect((await sendToken(claims)).status).toBe(200);
    const session = await signedIn(rp, op, alice);
    const res = await sendToken({ ...claims, sid: session.sid });
    expect(res.status).toBe(400);
    expect(await alive(rp, session.sessionId)).toBe(true);
  });

  it('a request without logout_token, with it twice, or as JSON', async () => {
    const alice = newUser('alice');
    const session = await signedIn(rp, op, alice);
    const token = () => signLogoutToken(op, logoutClaims(op, { sid: session.sid }));
    expect((await post({})).status).toBe(400);
    expect((await post(`logout_token=${token()}&logout_token=${token()}`)).status).toBe(400);
    expect((await rp.browser().post('/backchannel-logout').set('Content-Type', 'application/json').send(JSON.stringify({ logout_token: token() }))).status).toBe(400);
    expect(await alive(rp, session.sessionId)).toBe(true);
  });
});

it('records the jti until the token exp', async () => {
  const claims = logoutClaims(op, { sid: 'sid-x' });
  expect((await sendToken(claims)).status).toBe(200);
  const row = await rp.prisma.logoutJti.findUniqueOrThrow({ where: { issuer_jti: { issuer: op.issuer, jti: claims['jti'] as string } } });
  expect(row.expiresAt.getTime()).toBe((claims['exp'] as number) * 1000);
});

it("answers 503 when the OP's keys cannot be fetched, so the OP retries; nothing is stored or ended", async () => {
  const alice = newUser('alice');
  const session = await signedIn(rp, op, alice);
  // The same database behind an RP whose OP is down (discovery of 127.0.0.1:9 fails).
  const offline = bootstrap({ databaseUrl: fixture.db.url, issuer: 'http://127.0.0.1:9', clientId: op.clientId });
  try {
    const claims = logoutClaims(op, { iss: 'http://127.0.0.1:9', sub: alice.sub });
    const res = await request(offline.app).post('/backchannel-logout').set('Accept', 'application/json').type('form').send({ logout_token: signLogoutToken(op, claims) });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'op_unavailable', error_description: expect.any(String) });
    expect(await alive(rp, session.sessionId)).toBe(true);
    expect(await rp.prisma.logoutJti.count({ where: { jti: claims['jti'] as string } })).toBe(0);
  } finally {
    await offline.prisma.$disconnect();
  }
});
