import { createHash, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

/**
 * A small OpenID Provider for integration tests, served over real HTTP on 127.0.0.1: discovery,
 * JWKS, token (client_secret_basic, PKCE S256, one-time codes) and userinfo. There is no
 * authorization endpoint UI: {@link FakeOp.authorize} checks the RP's authorization URL and
 * returns the query the OP would redirect back with ({@link FakeOp.authorizeError} for an error).
 * Every authorization request is recorded ({@link FakeOp.authorizationRequests}) with its
 * `acr_values`, `max_age`, `prompt` and `id_token_hint` (checked against this OP's key). The
 * claims of the next ID token (`acr`, `amr`, `auth_time`, …) are the test's choice through
 * {@link AuthorizeOptions.idTokenClaims}; its `sub` is the `user` passed to `authorize`.
 *
 * ID tokens are ES256, signed with `node:crypto` (the house rule keeps `jose` inside
 * packages/crypto, and the RP's tests need nothing more than one signature).
 */

export interface FakeUser {
  sub: string;
  email?: string;
  name?: string;
  /** The OP organisation id, or "personal". */
  tenant: string;
  tenant_name: string;
  acr?: string;
  amr?: string[];
}

export interface AuthorizeOptions {
  /**
   * Change the ID token claims before signing (`undefined` values delete a claim), e.g.
   * `{ acr: 'urn:oidc-ref:acr:mfa', amr: ['pwd', 'otp', 'mfa'], auth_time: now - 400 }`.
   */
  idTokenClaims?: Record<string, unknown>;
  /** Sign the ID token with a key that is not in the JWKS. */
  signWithUnknownKey?: boolean;
}

export interface AuthorizationResponse {
  code: string;
  state: string;
  iss: string;
  /** `/callback?code=…&state=…&iss=…`, ready for the RP. */
  callbackPath: string;
}

/** An authorization request as the fake OP received it. */
export interface RecordedAuthorizationRequest {
  params: URLSearchParams;
  acrValues: string[] | undefined;
  maxAge: string | undefined;
  prompt: string | undefined;
  /** The raw `id_token_hint`, and whether this OP signed it (its `sub` when it did). */
  idTokenHint: { raw: string; signedByThisOp: boolean; sub: string | undefined } | undefined;
}

export interface FakeOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Checks an authorization request like the OP would and issues a code for `user`. */
  authorize(authorizationUrl: string, user: FakeUser, options?: AuthorizeOptions): AuthorizationResponse;
  /**
   * Checks an authorization request and answers it with an error instead, e.g.
   * `unmet_authentication_requirements`: returns `/callback?error=…&error_description=…&state=…&iss=…`.
   */
  authorizeError(authorizationUrl: string, error: string, errorDescription?: string): { callbackPath: string };
  /** Every authorization request `authorize`/`authorizeError` saw, oldest first. */
  readonly authorizationRequests: ReadonlyArray<RecordedAuthorizationRequest>;
  /** Every token request that reached the token endpoint, successful or not. */
  readonly tokenRequests: ReadonlyArray<{ authorized: boolean; grantType: string | undefined; error?: string }>;
  /** Signs any claims with this OP's key, header `typ: command+jwt` unless `typ` says otherwise (`null`: none). */
  signCommandToken(claims: Record<string, unknown>, typ?: string | null): string;
  close(): Promise<void>;
}

export interface StartFakeOpOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Listen on this port (default: any free port). */
  port?: number;
}

interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
  user: FakeUser;
  options: AuthorizeOptions;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, publicKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signEs256(key: SigningKey, payload: Record<string, unknown>, typ: string | null = 'JWT'): string {
  const input = `${b64url({ alg: 'ES256', kid: key.kid, ...(typ === null ? {} : { typ }) })}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function verifyEs256(key: SigningKey, jwt: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return undefined;
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  return ok ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded, then joined and base64'd. */
function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const index = decoded.indexOf(':');
  if (index < 0) return undefined;
  const unform = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return { id: unform(decoded.slice(0, index)), secret: unform(decoded.slice(index + 1)) };
}

export async function startFakeOp(options: StartFakeOpOptions = {}): Promise<FakeOp> {
  const clientId = options.clientId ?? 'test-rp';
  const clientSecret = options.clientSecret ?? 'test-secret: with spaces & symbols';
  const redirectUri = options.redirectUri ?? 'http://localhost:3000/callback';
  const key = newSigningKey();
  const unknownKey = newSigningKey();
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, FakeUser>();
  const tokenRequests: Array<{ authorized: boolean; grantType: string | undefined; error?: string }> = [];
  const authorizationRequests: RecordedAuthorizationRequest[] = [];
  let issuer = '';

  const app = express();
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/end-session?ui=compact`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      scopes_supported: ['openid', 'email', 'profile'],
      authorization_response_iss_parameter_supported: true,
    });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [key.publicJwk] });
  });
  app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const fail = (status: number, error: string, authorized: boolean) => {
      tokenRequests.push({ authorized, grantType: body.grant_type, error });
      res.status(status).set('Cache-Control', 'no-store').json({ error, error_description: `fake OP: ${error}` });
    };
    const credentials = parseBasic(req.headers.authorization);
    if (!credentials || credentials.id !== clientId || credentials.secret !== clientSecret || body.client_secret) {
      res.set('WWW-Authenticate', 'Basic realm="fake-op"');
      fail(401, 'invalid_client', false);
      return;
    }
    if (body.grant_type !== 'authorization_code') return fail(400, 'unsupported_grant_type', true);
    const pending = body.code ? codes.get(body.code) : undefined;
    if (!pending || !body.code) return fail(400, 'invalid_grant', true);
    codes.delete(body.code);
    if (body.redirect_uri !== pending.redirectUri) return fail(400, 'invalid_grant', true);
    const challenge = body.code_verifier ? createHash('sha256').update(body.code_verifier).digest('base64url') : '';
    if (challenge !== pending.codeChallenge) return fail(400, 'invalid_grant', true);

    const now = Math.floor(Date.now() / 1000);
    const { user } = pending;
    const claims: Record<string, unknown> = {
      iss: issuer,
      sub: user.sub,
      aud: clientId,
      exp: now + 300,
      iat: now,
      auth_time: now - 5,
      nonce: pending.nonce,
      acr: user.acr ?? 'urn:oidc-ref:acr:pwd',
      amr: user.amr ?? ['pwd'],
      sid: `sid-${token()}`,
      tenant: user.tenant,
      tenant_name: user.tenant_name,
    };
    for (const [name, value] of Object.entries(pending.options.idTokenClaims ?? {})) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    const accessToken = token();
    accessTokens.set(accessToken, user);
    tokenRequests.push({ authorized: true, grantType: body.grant_type });
    res.set('Cache-Control', 'no-store').json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'openid email profile',
      id_token: signEs256(pending.options.signWithUnknownKey ? unknownKey : key, claims),
    });
  });
  app.get('/userinfo', (req, res) => {
    const header = req.headers.authorization;
    const user = header?.startsWith('Bearer ') ? accessTokens.get(header.slice(7)) : undefined;
    if (!user) {
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').end();
      return;
    }
    res.set('Cache-Control', 'no-store').json({
      sub: user.sub,
      ...(user.email ? { email: user.email, email_verified: true } : {}),
      ...(user.name ? { name: user.name } : {}),
    });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Checks the request like the OP would, records it, and returns a reader for single parameters. */
  function receive(authorizationUrl: string): (name: string) => string {
    const url = new URL(authorizationUrl);
    if (`${url.origin}${url.pathname}` !== `${issuer}/authorize`) throw new Error(`not this OP's authorization endpoint: ${url.href}`);
    const param = (name: string): string => {
      const values = url.searchParams.getAll(name);
      if (values.length !== 1 || !values[0]) throw new Error(`authorization request: expected one ${name}`);
      return values[0];
    };
    const optional = (name: string): string | undefined => (url.searchParams.has(name) ? param(name) : undefined);
    if (param('response_type') !== 'code') throw new Error('authorization request: response_type must be code');
    if (param('client_id') !== clientId) throw new Error('authorization request: unknown client_id');
    if (param('redirect_uri') !== redirectUri) throw new Error('authorization request: unregistered redirect_uri');
    if (param('code_challenge_method') !== 'S256') throw new Error('authorization request: PKCE S256 required');
    if (!param('scope').split(' ').includes('openid')) throw new Error('authorization request: openid scope required');
    const hint = optional('id_token_hint');
    const hinted = hint ? verifyEs256(key, hint) : undefined;
    authorizationRequests.push({
      params: new URLSearchParams(url.searchParams),
      acrValues: optional('acr_values')?.split(' '),
      maxAge: optional('max_age'),
      prompt: optional('prompt'),
      idTokenHint: hint
        ? { raw: hint, signedByThisOp: hinted !== undefined, sub: typeof hinted?.['sub'] === 'string' ? hinted['sub'] : undefined }
        : undefined,
    });
    return param;
  }

  return {
    issuer,
    clientId,
    clientSecret,
    tokenRequests,
    authorizationRequests,
    signCommandToken: (claims, typ = 'command+jwt') => signEs256(key, claims, typ),
    authorizeError(authorizationUrl, error, errorDescription) {
      const param = receive(authorizationUrl);
      const query = new URLSearchParams({ error, ...(errorDescription ? { error_description: errorDescription } : {}), state: param('state'), iss: issuer });
      return { callbackPath: `/callback?${query.toString()}` };
    },
    authorize(authorizationUrl, user, authorizeOptions = {}) {
      const param = receive(authorizationUrl);
      const code = token();
      codes.set(code, {
        redirectUri,
        codeChallenge: param('code_challenge'),
        nonce: param('nonce'),
        user,
        options: authorizeOptions,
      });
      const state = param('state');
      const query = new URLSearchParams({ code, state, iss: issuer });
      return { code, state, iss: issuer, callbackPath: `/callback?${query.toString()}` };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
