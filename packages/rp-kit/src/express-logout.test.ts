import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { KeySet, generateSigningKey } from '@oidc-ref/crypto';

import { backchannelLogoutEndpoint } from './express.js';
import type { LogoutTokenError } from './logout/errors.js';
import { BACKCHANNEL_LOGOUT_EVENT } from './logout/verify.js';
import type { VerifiedLogoutToken } from './logout/verify.js';

const ISS = 'https://op.test';
let keys: KeySet;
let server: Server;
let url: string;
let ended: VerifiedLogoutToken[];
let rejected: string[];
let failLogout: boolean;
let forgotten: string[];
let nextErrors: unknown[];

beforeAll(async () => {
  keys = await KeySet.load([await generateSigningKey('ES256')]);
  const seen = new Set<string>();
  const handler = backchannelLogoutEndpoint({
    issuer: ISS,
    clientId: 'rp-1',
    jwks: () => Promise.resolve(keys.publicJwks()),
    replay: {
      checkAndStore: (_iss, jti) => Promise.resolve(!seen.has(jti) && Boolean(seen.add(jti))),
      forget: (_iss, jti) => {
        forgotten.push(jti);
        seen.delete(jti);
        return Promise.resolve();
      },
    },
    logout(token) {
      if (failLogout) throw new Error('database down');
      ended.push(token);
    },
    onRejected: (error: LogoutTokenError) => rejected.push(error.code),
  });
  server = createServer((req, res) => {
    handler(req, res, (err) => {
      nextErrors.push(err);
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  ended = [];
  rejected = [];
  forgotten = [];
  failLogout = false;
  nextErrors = [];
});

let n = 0;
function mint(extra: Record<string, unknown> = {}): Promise<string> {
  n += 1;
  const iat = Math.floor(Date.now() / 1000);
  return keys.sign({ iss: ISS, aud: 'rp-1', iat, exp: iat + 120, jti: `j${n}-${iat}`, sid: 'sid-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...extra }, { typ: 'logout+jwt' });
}
const post = (body: string, type = 'application/x-www-form-urlencoded') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

it('answers 200 with no-store and ends the sessions the token names', async () => {
  const res = await post(new URLSearchParams({ logout_token: await mint({ sub: 'u1' }) }).toString());
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(ended).toHaveLength(1);
  expect(ended[0]).toMatchObject({ iss: ISS, sub: 'u1', sid: 'sid-1' });
});

it('answers 400 invalid_request without calling logout for a refused token', async () => {
  const res = await post(new URLSearchParams({ logout_token: await mint({ nonce: 'n' }) }).toString());
  expect(res.status).toBe(400);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'a logout token must not carry nonce' });
  expect(ended).toEqual([]);
  expect(rejected).toEqual(['nonce']);
});

it('answers 400 for a replay, a missing token, a repeated field, or another content type', async () => {
  const token = await mint();
  expect((await post(new URLSearchParams({ logout_token: token }).toString())).status).toBe(200);
  expect((await post(new URLSearchParams({ logout_token: token }).toString())).status).toBe(400);
  expect((await post('')).status).toBe(400);
  expect((await post(`logout_token=${await mint()}&logout_token=${await mint()}`)).status).toBe(400);
  expect((await post(JSON.stringify({ logout_token: await mint() }), 'application/json')).status).toBe(400);
  expect(ended).toHaveLength(1);
  expect(rejected).toEqual(['replay', 'missing_token', 'malformed', 'missing_token']);
});

it('forgets the jti and passes the error on when ending the sessions fails, so a retry works', async () => {
  const token = await mint();
  failLogout = true;
  expect((await post(new URLSearchParams({ logout_token: token }).toString())).status).toBe(500);
  expect(nextErrors).toHaveLength(1);
  expect(forgotten).toHaveLength(1);
  failLogout = false;
  expect((await post(new URLSearchParams({ logout_token: token }).toString())).status).toBe(200);
  expect(ended).toHaveLength(1);
});

describe('with a transaction', () => {
  let tserver: Server;
  let turl: string;
  let committed: Set<string>;
  let failing: boolean;
  let calls: string[];

  beforeAll(async () => {
    committed = new Set();
    // A toy unit of work: jtis written inside it become visible only if `work` succeeds.
    const handler = backchannelLogoutEndpoint<IncomingMessage, { pending: string[] }>({
      issuer: ISS,
      clientId: 'rp-1',
      jwks: () => Promise.resolve(keys.publicJwks()),
      transaction: async (work) => {
        const tx = { pending: [] as string[] };
        calls.push('begin');
        await work(tx);
        for (const jti of tx.pending) committed.add(jti);
        calls.push('commit');
      },
      replay: (tx) => ({
        checkAndStore: (_iss, jti) => {
          calls.push('jti');
          if (committed.has(jti) || tx.pending.includes(jti)) return Promise.resolve(false);
          tx.pending.push(jti);
          return Promise.resolve(true);
        },
        forget: () => Promise.reject(new Error('forget must not be called with a transaction')),
      }),
      logout: (_token, _req, tx) => {
        calls.push(`logout:${tx.pending.length}`);
        if (failing) throw new Error('database down');
      },
    });
    tserver = createServer((req, res) => {
      handler(req, res, () => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => tserver.listen(0, '127.0.0.1', resolve));
    turl = `http://127.0.0.1:${(tserver.address() as AddressInfo).port}/backchannel-logout`;
  });
  afterAll(() => new Promise((resolve) => tserver.close(resolve)));
  beforeEach(() => {
    failing = false;
    calls = [];
  });

  const tpost = (token: string) => fetch(turl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });

  it('checks the signature and claims before the transaction, then stores the jti and logs out inside it', async () => {
    expect((await tpost(await mint({ nonce: 'n' }))).status).toBe(400);
    expect(calls).toEqual([]);
    const token = await mint();
    expect((await tpost(token)).status).toBe(200);
    expect(calls).toEqual(['begin', 'jti', 'logout:1', 'commit']);
    calls = [];
    const replay = await tpost(token);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_request', error_description: 'the logout token was already used' });
    expect(calls).toEqual(['begin', 'jti']);
  });

  it('keeps no jti when logout fails, so the retry is accepted', async () => {
    const token = await mint();
    failing = true;
    expect((await tpost(token)).status).toBe(500);
    failing = false;
    expect((await tpost(token)).status).toBe(200);
  });
});
