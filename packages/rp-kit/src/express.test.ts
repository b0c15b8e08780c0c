import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { requireAuthentication, type InsufficientAuthentication, type NextFunction } from './express.js';
import { acrRanking } from './step-up/acr-policy.js';
import { parseInsufficientUserAuthentication } from './step-up/challenge.js';
import type { AuthenticationClaims, StepUpRequirement } from './step-up/check-step-up.js';

// Express 5 ships no type declarations and rp-kit's only dev dependency for this test is express
// itself, so the test describes the little of Express it uses.
type Handler = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => unknown;
type ErrorHandler = (error: unknown, req: IncomingMessage, res: ServerResponse & { json(body: unknown): void }, next: NextFunction) => void;
interface MinimalApp extends RequestListener {
  get(path: string, ...handlers: Handler[]): MinimalApp;
  use(handler: ErrorHandler): MinimalApp;
  listen(port: number, host: string, callback: () => void): Server;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as () => MinimalApp;

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const ranking = acrRanking([PWD, MFA]);
const now = new Date('2026-11-22T12:00:00Z');
const t = (secondsAgo: number) => Math.floor(now.getTime() / 1000) - secondsAgo;

interface Scenario {
  claims?: AuthenticationClaims | undefined;
  requirement?: StepUpRequirement | undefined;
  onInsufficient?: (challenge: InsufficientAuthentication, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  failWith?: Error;
}

let server: Server;
let base: string;
let scenario: Scenario;

beforeAll(async () => {
  const app = express();
  app.get(
    '/export',
    requireAuthentication({
      ranking,
      now: () => now,
      claims: async () => {
        if (scenario.failWith) throw scenario.failWith;
        return scenario.claims;
      },
      requirement: () => scenario.requirement,
      errorDescription: 'Confirm it is you with a second factor.',
      onInsufficient: (challenge, req, res) => {
        if (!scenario.onInsufficient) throw new Error('not used: the default answer is tested');
        return scenario.onInsufficient(challenge, req, res);
      },
    }),
    (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ exported: true }));
    },
  );
  app.get(
    '/default',
    requireAuthentication({ ranking, now: () => now, claims: () => scenario.claims, requirement: () => scenario.requirement }),
    (_req, res) => {
      res.end('ok');
    },
  );
  app.use((error, _req, res, _next) => {
    res.statusCode = 500;
    res.json({ caught: (error as Error).message });
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

const get = (path: string) => fetch(`${base}${path}`);

describe('requireAuthentication (Express)', () => {
  it('calls next when the authentication meets the requirement', async () => {
    scenario = { claims: { sub: 'alice', acr: MFA, auth_time: t(10) }, requirement: { acr: MFA, maxAge: 300 } };
    const response = await get('/export');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ exported: true });
  });

  it('calls next when the route has no requirement', async () => {
    scenario = { claims: { sub: 'alice', acr: PWD }, requirement: undefined };
    expect((await get('/export')).status).toBe(200);
  });

  it('answers the RFC 9470 challenge when the acr is too weak', async () => {
    scenario = { claims: { sub: 'alice', acr: PWD, auth_time: t(10) }, requirement: { acr: MFA, maxAge: 300 } };
    const response = await get('/default');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_user_authentication", acr_values="${MFA}", max_age="300"`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'A stronger or more recent authentication is required for this request.',
    });
  });

  it('answers the challenge when the authentication is too old, listing stronger acr values too', async () => {
    scenario = { claims: { sub: 'alice', acr: MFA, auth_time: t(300 + 61) }, requirement: { acr: PWD, maxAge: 300 } };
    const response = await get('/default');
    expect(response.status).toBe(401);
    expect(parseInsufficientUserAuthentication(response.headers.get('www-authenticate'))).toEqual({
      acrValues: [PWD, MFA],
      maxAge: 300,
    });
  });

  it('leaves max_age out when the requirement has none', async () => {
    scenario = { claims: { sub: 'alice' }, requirement: { acr: MFA } };
    const response = await get('/default');
    expect(response.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_user_authentication", acr_values="${MFA}"`);
  });

  it('answers a plain 401 Bearer challenge without claims', async () => {
    scenario = { claims: undefined, requirement: { acr: MFA } };
    const response = await get('/default');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ error: 'unauthenticated', error_description: 'Authentication is required.' });
  });

  it('hands the challenge to onInsufficient instead, with the reason', async () => {
    const seen: InsufficientAuthentication[] = [];
    scenario = {
      claims: { sub: 'alice', acr: PWD, auth_time: t(10) },
      requirement: { acr: MFA, maxAge: 300 },
      onInsufficient: async (challenge, _req, res) => {
        seen.push(challenge);
        res.statusCode = 303;
        res.setHeader('Location', '/step-up');
        res.end();
      },
    };
    const response = await fetch(`${base}/export`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/step-up');
    expect(seen).toEqual([
      {
        wwwAuthenticate: `Bearer error="insufficient_user_authentication", acr_values="${MFA}", max_age="300"`,
        body: { error: 'insufficient_user_authentication', error_description: 'Confirm it is you with a second factor.' },
        reason: 'acr_too_weak',
        requirement: { acr: MFA, maxAge: 300 },
      },
    ]);
  });

  it('forwards failures to the error middleware, from callbacks and from onInsufficient', async () => {
    scenario = { failWith: new Error('session store down') };
    let response = await get('/export');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ caught: 'session store down' });

    scenario = {
      claims: { sub: 'alice', acr: PWD },
      requirement: { acr: MFA },
      onInsufficient: () => Promise.reject(new Error('OP unreachable')),
    };
    response = await get('/export');
    expect(await response.json()).toEqual({ caught: 'OP unreachable' });
  });

  it('fails closed on a requirement naming an acr the ranking does not know', async () => {
    scenario = { claims: { sub: 'alice', acr: MFA }, requirement: { acr: 'urn:other:acr' } };
    const response = await get('/default');
    expect(response.status).toBe(500);
  });
});
