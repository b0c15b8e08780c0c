
import type { TestDatabase } from '@oidc-ref/dev-postgres';
import request from 'supertest';

import { bootstrap, startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import { type FakeOp } from '../helpers/fake-op.js';
import { sessionSetCookie } from '../helpers/sign-in.js';

let db: TestDatabase;
let op: FakeOp;
let rp: TestRp;

let fixture: RpWithFakeOp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ db, op, rp } = fixture);
});

afterAll(() => fixture?.stop());

describe('pages and HTTP hygiene', () => {
  it('GET / offers a Sign in button when signed out', async () => {
    const response = await request(rp.app).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('<a class="button" href="/login">Sign in</a>');
  });

  it('sends a strict CSP with no script source and the stylesheet allowed by hash', async () => {
    const response = await request(rp.app).get('/');
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('script-src');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).not.toMatch(/<script|style="/);
  });

  it('answers unknown paths with an HTML 404 for browsers and a JSON 404 for API clients', async () => {
    const page = await request(rp.app).get('/nope').set('Accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Not found');
    const json = await request(rp.app).get('/nope').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: 'not_found', error_description: expect.any(String) });
  });

  it('sets Secure on the session cookie and HSTS when RP_BASE_URL is https', async () => {
    const https = bootstrap({
      databaseUrl: db.url,
      issuer: op.issuer,
      clientId: op.clientId,
      clientSecret: op.clientSecret,
      env: { RP_BASE_URL: 'https://rp.example' },
    });
    try {
      const login = await request(https.app).get('/login');
      expect(login.status).toBe(303);
      expect(new URL(login.headers['location'] as string).searchParams.get('redirect_uri')).toBe('https://rp.example/callback');
      expect(sessionSetCookie(login)).toMatch(/; Secure/);
      expect(login.headers['strict-transport-security']).toBeDefined();
      expect(login.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await https.prisma.$disconnect();
    }
  });

  it('refuses a malformed logout body as a bad request without details', async () => {
    const response = await request(rp.app)
      .post('/logout')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Accept', 'application/json')
      .send('x'.repeat(10_000));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });
});
