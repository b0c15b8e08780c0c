/* global process, console, Buffer, URLSearchParams */
// panva's oidc-provider, configured like our OP for the token-endpoint benchmark: one process,
// ES256 signing keys only, one confidential client (client_secret_basic), client_credentials
// enabled, opaque access tokens (its default), PKCE required, its own in-memory adapter, and a
// minimal login page in the shape of ours (email + password + csrf) for one fixed account.
// First-party clients skip consent, as ours do (the documented `loadExistingGrant` pattern).
//
// Environment (set by run.ts): BENCH_ISSUER, BENCH_PORT, BENCH_CLIENT (JSON: client_id,
// client_secret, redirect_uris, scope), BENCH_ACCOUNT (JSON: sub, email, password, name),
// BENCH_MEMORY_ENTRIES. Prints "ready" on stdout when it listens.
import { createHmac, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
// Its default adapter and store, reached directly only to raise the store's capacity: the
// default keeps 1000 entries, fewer than the authorization codes pre-minted for the run.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

const env = process.env;
const issuer = required('BENCH_ISSUER');
const port = Number(required('BENCH_PORT'));
const client = JSON.parse(required('BENCH_CLIENT'));
const account = JSON.parse(required('BENCH_ACCOUNT'));
const memoryEntries = Number(env.BENCH_MEMORY_ENTRIES ?? 200_000);

function required(name) {
  const value = env[name];
  if (!value) {
    console.error(`oidc-provider-server: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

const store = new LRU({ maxSize: memoryEntries });
const csrfKey = randomBytes(32);
const csrfFor = (uid) => createHmac('sha256', csrfKey).update(uid).digest('base64url');

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [
    {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: client.scope,
    },
  ],
  jwks: { keys: [signingKey] },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', ...client.scope.split(' ').filter((s) => s !== 'openid')],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
  },
  ttl: { AuthorizationCode: 600, AccessToken: 3600, ClientCredentials: 3600, IdToken: 3600, Interaction: 900, Session: 8 * 3600, Grant: 8 * 3600 },
  async findAccount(_ctx, sub) {
    if (sub !== account.sub) return undefined;
    return {
      accountId: account.sub,
      claims: async () => ({ sub: account.sub, email: account.email, email_verified: true, name: account.name }),
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    // First-party: consent is implied, as at our OP.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
});

const html = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!doctype html><title>Sign in</title>${error ? `<p>${html(error)}</p>` : ''}
<form method="post" action="/interaction/${html(uid)}/login">
<input type="hidden" name="csrf" value="${html(csrfFor(uid))}">
<input name="email" type="email"><input name="password" type="password"><button>Sign in</button></form>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function safeEqual(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  res.setHeader('cache-control', 'no-store');
  if (req.method === 'GET' && action === undefined) {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(loginPage(uid));
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    if (!safeEqual(form.get('csrf') ?? '', csrfFor(uid))) {
      res.statusCode = 403;
      res.end('csrf check failed');
      return;
    }
    if (form.get('email') !== account.email || !safeEqual(form.get('password') ?? '', account.password)) {
      res.statusCode = 401;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(loginPage(uid, 'Incorrect email or password.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  res.statusCode = 404;
  res.end();
}

const providerCallback = provider.callback();
const server = createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?(?:\?.*)?$/.exec(req.url ?? '');
  if (!match) {
    providerCallback(req, res);
    return;
  }
  interaction(req, res, match[1], match[2]).catch((err) => {
    console.error('interaction failed:', err);
    if (!res.headersSent) res.statusCode = 400;
    res.end();
  });
});
server.listen(port, '127.0.0.1', () => console.log('ready'));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
