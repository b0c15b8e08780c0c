import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient } from '../helpers/factories.js';

// POST /token is answered on plain Node objects, before Express (routes/token.ts); these tests
// pin what that path sends, so that it stays what the Express route sent.

let op: TestOp;
let client: ClientRecord;
beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos, {
    metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api' },
  });
});
afterAll(() => op.dispose());

const FORM = 'grant_type=client_credentials';
const post = (path = '/token', app: Parameters<typeof request>[0] = op.app) =>
  request(app).post(path).set('Authorization', basic(client));

describe('headers', () => {
  it('a success: JSON, no-store, Pragma, CORS, nosniff, a length and no ETag', async () => {
    const res = await post().type('form').send(FORM);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('an error: the same headers, JSON { error, error_description }', async () => {
    const res = await post().type('form').send('grant_type=nope');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unsupported_grant_type', error_description: 'this grant_type is not supported' });
    for (const [name, value] of Object.entries({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    })) {
      expect(res.headers[name]).toBe(value);
    }
  });

  it('a Basic challenge only for a client that tried Basic', async () => {
    const basicTried = await request(op.app).post('/token').set('Authorization', basic({ ...client, secret: 'wrong' })).type('form').send(FORM);
    expect(basicTried.status).toBe(401);
    expect(basicTried.headers['www-authenticate']).toBe('Basic realm="token"');
    const bodyTried = await request(op.app).post('/token').type('form').send(`${FORM}&client_id=${client.id}&client_secret=wrong`);
    expect(bodyTried.status).toBe(401);
    expect(bodyTried.headers['www-authenticate']).toBeUndefined();
  });

  it('HSTS on an https issuer, as helmet sends it elsewhere', async () => {
    const https = await bootstrap({ OP_ISSUER: 'https://op.test' });
    try {
      const machine = await createClient(https.repos, {
        metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
      });
      const res = await request(https.app).post('/token').set('Authorization', basic(machine)).type('form').send(FORM);
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await https.dispose();
    }
  });
});

describe('the path, as Express routed it', () => {
  it.each(['/token/', '/TOKEN', '/token?ignored=1'])('answers %s', async (path) => {
    expect((await post(path).type('form').send(FORM)).status).toBe(200);
  });

  it('leaves other paths to the app', async () => {
    expect((await post('/tokens').type('form').send(FORM)).status).toBe(404);
  });
});

describe('the body', () => {
  it('accepts UTF-8 (the default) and ISO-8859-1', async () => {
    for (const charset of ['utf-8', 'ISO-8859-1', '"UTF-8"']) {
      const res = await post().set('Content-Type', `application/x-www-form-urlencoded; charset=${charset}`).send(`${FORM}&scope=api`);
      expect(res.status).toBe(200);
    }
  });

  it.each([
    ['another media type', { 'Content-Type': 'application/json' }, JSON.stringify({ grant_type: 'client_credentials' })],
    ['a body not declared as a form', {}, Buffer.from(FORM)],
    ['another charset', { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-16' }, FORM],
    ['a compressed body', { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' }, gzipSync(FORM)],
    ['a body over 20 kB', { 'Content-Type': 'application/x-www-form-urlencoded' }, `${FORM}&pad=${'x'.repeat(21 * 1024)}`],
    ['more than 1000 parameters', { 'Content-Type': 'application/x-www-form-urlencoded' }, `${FORM}${'&a=1'.repeat(1000)}`],
  ])('refuses %s with invalid_request', async (_name, headers, body) => {
    const res = await post().set(headers).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('keeps the connection usable after refusing a large body', async () => {
    const agent = request.agent(op.app);
    const big = await agent.post('/token').set('Authorization', basic(client)).type('form').send(`${FORM}&pad=${'x'.repeat(64 * 1024)}`);
    expect(big.status).toBe(400);
    expect((await agent.post('/token').set('Authorization', basic(client)).type('form').send(FORM)).status).toBe(200);
  });

  it('decodes + and percent-escapes, and treats a malformed escape as text', async () => {
    const spaced = await post().type('form').send('grant_type=client%5Fcredentials&scope=+api+');
    expect(spaced.status).toBe(200);
    expect(spaced.body.scope).toBe('api');
    const malformed = await post().type('form').send('grant_type=client_credentials&scope=%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_scope');
  });
});

describe('the Express route', () => {
  it('answers POST /token the same way when a request reaches it through Express', async () => {
    // Express's own request handling, without the shortcut createApp installs.
    const expressHandle = (express.application as unknown as { handle: (...args: unknown[]) => void }).handle;
    const server = createServer((req, res) => expressHandle.call(op.app, req, res));
    const res = await request(server).post('/token').set('Authorization', basic(client)).type('form').send(FORM);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.token_type).toBe('Bearer');
  });
});
