// The OP side of logout over real HTTP, against the OP process as `server.ts` builds it (its
// delivery worker, the redirect wait): RP-initiated logout with the demo RP's registration, and a
// back-channel logout receiver in this test process standing in for an RP that is up, then down.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stack } from '@oidc-ref/stack';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';
import { getFreePort } from '@oidc-ref/dev-postgres';
import { ALICE, BOB, idTokenFromOp, jwtHeader, jwtPayload, pkce } from './helpers/oidc.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ env: { OP_REGISTRATION: 'open' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface Receiver {
  url: string;
  tokens: string[];
  close(): Promise<void>;
}

/** An RP's backchannel_logout_uri on 127.0.0.1 (a fixed port, so it can come back after being down). */
async function startReceiver(port: number): Promise<Receiver> {
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-www-form-urlencoded' || !token) {
        res.writeHead(400).end();
        return;
      }
      tokens.push(token);
      res.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`,
    tokens,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Registers a confidential code client whose logout endpoints live on `port` (dynamic registration). */
async function registerClient(port: number): Promise<{ clientId: string; secret: string; redirectUri: string; bye: string }> {
  const base = `http://127.0.0.1:${port}`;
  const response = await fetch(`${stack.opUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Logout e2e RP',
      redirect_uris: [`${base}/cb`],
      post_logout_redirect_uris: [`${base}/bye`],
      backchannel_logout_uri: `${base}/backchannel`,
      backchannel_logout_session_required: true,
      token_endpoint_auth_method: 'client_secret_basic',
    }),
  });
  const body = (await response.json()) as { client_id: string; client_secret: string };
  expect(response.status).toBe(201);
  return { clientId: body.client_id, secret: body.client_secret, redirectUri: `${base}/cb`, bye: `${base}/bye` };
}

/** Signs `user` in at the OP for `client` and redeems the code: the ID token. */
async function signIn(browser: Browser, client: Awaited<ReturnType<typeof registerClient>>, user: { email: string; password: string }) {
  const code = pkce();
  const authorize = new URL(`${stack.opUrl}/authorize`);
  for (const [name, value] of Object.entries({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 's',
    nonce: 'n',
    code_challenge: code.challenge,
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(name, value);
  }
  const { url } = await signInAtOp(browser, authorize.href, user);
  const authorizationCode = new URL(url).searchParams.get('code');
  expect(authorizationCode).toBeTruthy();
  const token = await fetch(`${stack.opUrl}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: authorizationCode!, redirect_uri: client.redirectUri, code_verifier: code.verifier }),
  });
  expect(token.status).toBe(200);
  return ((await token.json()) as { id_token: string }).id_token;
}

/** Verifies an RS256 logout token's signature with the OP's published JWKS. */
async function verifiedByOp(token: string): Promise<boolean> {
  const { keys } = (await (await fetch(`${stack.opUrl}/jwks`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
  const header = jwtHeader(token);
  const jwk = keys.find((key) => key.kid === header.kid);
  if (!jwk || header.alg !== 'RS256') return false;
  const [h, p, s] = token.split('.') as [string, string, string];
  return verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
}

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('RP-initiated logout: the logout token reaches the RP before the browser is sent back with state', async () => {
  const port = await getFreePort();
  const rp = await startReceiver(port);
  try {
    const client = await registerClient(port);
    const alice = new Browser();
    const idToken = await signIn(alice, client, ALICE);
    const end = new URL(`${stack.opUrl}/session/end`);
    end.searchParams.set('id_token_hint', idToken);
    end.searchParams.set('post_logout_redirect_uri', client.bye);
    end.searchParams.set('state', 'st-42');
    const response = await alice.get(end.href);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${client.bye}?state=st-42`);
    // Delivered (by the OP's worker) before the redirect.
    expect(rp.tokens).toHaveLength(1);
    const token = rp.tokens[0]!;
    expect(jwtHeader(token)).toMatchObject({ alg: 'RS256', typ: 'logout+jwt' });
    expect(await verifiedByOp(token)).toBe(true);
    const claims = jwtPayload(token);
    const hint = jwtPayload(idToken);
    expect(claims).toEqual({
      iss: stack.opUrl,
      aud: client.clientId,
      iat: expect.any(Number),
      exp: (claims.iat as number) + 120,
      jti: expect.any(String),
      events: { [BACKCHANNEL_EVENT]: {} },
      sub: hint.sub,
      sid: hint.sid,
    });
    expect(browserSignedOut(alice)).toBe(true);
  } finally {
    await rp.close();
  }
});

function browserSignedOut(browser: Browser): boolean {
  return browser.cookie('127.0.0.1', 'op_session') === undefined;
}

it('an RP that is down when logout happens gets the token once it is back', async () => {
  const port = await getFreePort();
  const client = await registerClient(port);
  const bob = new Browser();
  const idToken = await signIn(bob, client, BOB);
  const end = new URL(`${stack.opUrl}/session/end`);
  end.searchParams.set('id_token_hint', idToken);
  const page = await bob.get(end.href);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('You are signed out');
  const rp = await startReceiver(port);
  try {
    const token = await waitFor('the retried logout token', () => rp.tokens[0], 20_000);
    expect(jwtPayload(token)).toMatchObject({ aud: client.clientId, sid: jwtPayload(idToken).sid, sub: jwtPayload(idToken).sub });
    expect(jwtPayload(token)).not.toHaveProperty('nonce');
  } finally {
    await rp.close();
  }
});

it('never redirects to an unregistered post_logout_redirect_uri', async () => {
  const alice = new Browser();
  const idToken = await idTokenFromOp(stack, alice, ALICE);
  const end = new URL(`${stack.opUrl}/session/end`);
  end.searchParams.set('id_token_hint', idToken);
  end.searchParams.set('post_logout_redirect_uri', 'https://evil.example/bye');
  end.searchParams.set('state', 'x');
  const response = await alice.get(end.href);
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(browserSignedOut(alice)).toBe(false);
});

it('the demo RP is registered for front-channel logout: the signed-out page frames it with iss and sid', async () => {
  const alice = new Browser();
  const idToken = await idTokenFromOp(stack, alice, ALICE);
  const end = new URL(`${stack.opUrl}/session/end`);
  end.searchParams.set('id_token_hint', idToken);
  end.searchParams.set('post_logout_redirect_uri', `${stack.rpUrl}/signed-out`);
  end.searchParams.set('state', 'fc');
  const response = await alice.get(end.href);
  expect(response.status).toBe(200);
  const html = await response.text();
  const frame = new URL(`${stack.rpUrl}/frontchannel-logout`);
  frame.searchParams.set('iss', stack.opUrl);
  frame.searchParams.set('sid', jwtPayload(idToken).sid as string);
  expect(html).toContain(`src="${frame.href.replace(/&/g, '&amp;')}"`);
  expect(html).toContain(`id="continue" href="${stack.rpUrl}/signed-out?state=fc"`);
  expect(response.headers.get('content-security-policy')).toContain(`frame-src ${stack.rpUrl}`);
  expect(browserSignedOut(alice)).toBe(true);
});
