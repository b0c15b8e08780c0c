import request from 'supertest';
import {
  decodeJwtUnverified,
  decryptJwt,
  generateEncryptionKey,
  randomToken,
  tokenHash,
  verifyJwtWithJwks,
  verifyJwtWithSecret,
  type EncryptionKeyPair,
  type JweAlg,
  type JweEnc,
} from '@oidc-ref/crypto';
import type { ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { ClientJoseError } from '../../src/services/client-jose.js';
import { clientKeys } from '../../src/services/client-keys.js';
import { mintIdToken, type IdTokenInput } from '../../src/services/id-token.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser, type ClientOverrides } from '../helpers/factories.js';
import { authorizeAndSignIn, createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos, { name: 'Grace Hopper' });
});
afterAll(() => op.dispose());

const jwks = async () => JSON.parse((await request(op.app).get('/jwks')).text) as { keys: object[] };

/** Code flow through the real endpoints; returns the token response. */
async function codeFlow(client: ClientRecord) {
  const { query, verifier } = authorizeQuery(client);
  const { params } = await signIn(browser(op.app), query, user.email);
  return exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
}

const clientWith = (metadata: ClientMetadataInput, overrides: Omit<ClientOverrides, 'metadata'> = {}) =>
  createClient(op.repos, { ...overrides, metadata });

describe('signed ID tokens', () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'])('%s: signed with the OP key of that alg, verifying against /jwks', async (alg) => {
    const client = await clientWith({ id_token_signed_response_alg: alg });
    const res = await codeFlow(client);
    expect(res.status).toBe(200);
    const idToken = res.body.id_token as string;
    const { header, payload } = await verifyJwtWithJwks(idToken, await jwks(), {
      issuer: ISSUER,
      audience: client.id,
      algorithms: [alg],
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    expect(header.alg).toBe(alg);
    expect(header.kid).toBe(op.keys.current().signingKey(alg as 'RS256').kid);
    expect(payload).toMatchObject({ sub: user.id, nonce: 'nonce-456' });
    // at_hash uses the alg's hash: SHA-512 for EdDSA, SHA-256 otherwise.
    expect(payload.at_hash).toBe(tokenHash(res.body.access_token, alg));
    expect(decodeJwtUnverified(idToken).header).toEqual({ alg, kid: header.kid });
  });

  it('defaults to RS256 when the client registered nothing', async () => {
    const client = await clientWith({});
    const res = await codeFlow(client);
    expect(decodeJwtUnverified(res.body.id_token).header.alg).toBe('RS256');
  });

  it('hashes c_hash and s_hash with the ID token alg at the authorization endpoint (EdDSA: SHA-512)', async () => {
    const client = await createFrontChannelClient(op.repos, { metadata: { id_token_signed_response_alg: 'EdDSA' } });
    const { query } = authorizeQuery(client, { response_type: 'code id_token' });
    const delivered = readAuthorizationResponse(await authorizeAndSignIn(browser(op.app), query, user.email));
    const { header, payload } = await verifyJwtWithJwks(delivered.params.get('id_token')!, await jwks(), {
      issuer: ISSUER,
      audience: client.id,
    });
    expect(header.alg).toBe('EdDSA');
    expect(payload.c_hash).toBe(tokenHash(delivered.params.get('code')!, 'EdDSA'));
    expect(payload.s_hash).toBe(tokenHash('state-123', 'EdDSA'));
    expect((payload.c_hash as string).length).toBe(43);
  });

  it.each([
    ['HS256', 32],
    ['HS512', 64],
  ] as const)('%s: signed with the client secret (%i octets)', async (alg, octets) => {
    const secret = 'k'.repeat(octets);
    const client = await clientWith({ id_token_signed_response_alg: alg }, { secret });
    const res = await codeFlow(client);
    expect(res.status).toBe(200);
    const { header, payload } = await verifyJwtWithSecret(res.body.id_token, secret, { issuer: ISSUER, audience: client.id });
    expect(header.alg).toBe(alg);
    expect(payload.at_hash).toBe(tokenHash(res.body.access_token, alg));
  });

  it('refuses HS256 with a secret shorter than 32 octets: server_error, never a weak token', async () => {
    const client = await clientWith({ id_token_signed_response_alg: 'HS256' }, { secret: 'k'.repeat(31) });
    const res = await codeFlow(client);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
    expect(res.body).not.toHaveProperty('id_token');
  });
});

describe('alg none', () => {
  it('is issued at the token endpoint for a pure code client that registered it', async () => {
    const client = await clientWith({ id_token_signed_response_alg: 'none' });
    const res = await codeFlow(client);
    expect(res.status).toBe(200);
    const idToken = res.body.id_token as string;
    expect(idToken.endsWith('.')).toBe(true);
    const { header, payload } = decodeJwtUnverified(idToken);
    expect(header).toEqual({ alg: 'none' });
    expect(payload).toMatchObject({ iss: ISSUER, sub: user.id, aud: client.id, nonce: 'nonce-456' });
    expect(payload).not.toHaveProperty('at_hash');
  });

  const input = (client: ClientRecord, extra: Partial<IdTokenInput> = {}): IdTokenInput => ({
    issuer: ISSUER,
    user,
    client,
    nonce: 'n',
    authTime: op.clock.now,
    acr: 'a',
    amr: ['pwd'],
    now: op.clock.now,
    ttlSeconds: 60,
    ...extra,
  });

  it('is refused outside the token endpoint', async () => {
    const client = await clientWith({ id_token_signed_response_alg: 'none' });
    const deps = { keys: op.keys, clientKeys: clientKeys() };
    await expect(mintIdToken(deps, input(client))).rejects.toBeInstanceOf(ClientJoseError);
    await expect(mintIdToken(deps, input(client, { fromTokenEndpoint: false }))).rejects.toThrow(/outside the token endpoint/);
  });

  it('is refused for a client that may get ID tokens from the authorization endpoint, even at the token endpoint', async () => {
    const client = await createFrontChannelClient(op.repos, { metadata: { id_token_signed_response_alg: 'none' } });
    const deps = { keys: op.keys, clientKeys: clientKeys() };
    await expect(mintIdToken(deps, input(client, { fromTokenEndpoint: true }))).rejects.toThrow(/implicit or hybrid/);
    const { query } = authorizeQuery(client, { response_type: 'id_token' });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    const delivered = readAuthorizationResponse(res);
    expect(delivered.params.get('id_token')).toBeNull();
    expect(delivered.params.get('error')).toBe('server_error');
  });
});

describe('encrypted ID tokens (nested: signed, then encrypted)', () => {
  const cases: Array<[JweAlg, JweEnc | undefined, string]> = [
    ['RSA-OAEP-256', undefined, 'RS256'],
    ['RSA-OAEP-256', 'A256GCM', 'ES256'],
    ['ECDH-ES+A256KW', 'A128CBC-HS256', 'EdDSA'],
    ['ECDH-ES+A256KW', 'A256GCM', 'PS256'],
    ['RSA-OAEP', 'A128CBC-HS256', 'RS256'],
    ['ECDH-ES', 'A256GCM', 'ES256'],
  ];

  it.each(cases)('%s / %s around %s: decrypts with the client key to a JWS that verifies', async (alg, enc, signAlg) => {
    const key = await generateEncryptionKey(alg);
    const client = await clientWith({
      jwks: { keys: [key.publicJwk] },
      id_token_signed_response_alg: signAlg,
      id_token_encrypted_response_alg: alg,
      ...(enc && { id_token_encrypted_response_enc: enc }),
    });
    const res = await codeFlow(client);
    expect(res.status).toBe(200);
    const jwe = res.body.id_token as string;
    expect(jwe.split('.')).toHaveLength(5);
    const { plaintext, header } = await decryptJwt(jwe, key.privateJwk, { algorithms: [alg] });
    expect(header).toEqual({ alg, enc: enc ?? 'A128CBC-HS256', kid: key.kid, cty: 'JWT' });
    const { header: inner, payload } = await verifyJwtWithJwks(plaintext, await jwks(), { issuer: ISSUER, audience: client.id });
    expect(inner.alg).toBe(signAlg);
    expect(inner.kid).toBeDefined();
    expect(payload).toMatchObject({ sub: user.id, at_hash: tokenHash(res.body.access_token, signAlg) });
  });

  it('picks the use: enc key among the client keys, never its signing key', async () => {
    const enc = await generateEncryptionKey('RSA-OAEP-256');
    const sig = { ...(await generateEncryptionKey('RSA-OAEP-256')).publicJwk, use: 'sig', alg: 'RS256', kid: 'sig-key' };
    const client = await clientWith({ jwks: { keys: [sig, enc.publicJwk] }, id_token_encrypted_response_alg: 'RSA-OAEP-256' });
    const res = await codeFlow(client);
    expect(JSON.parse(Buffer.from(res.body.id_token.split('.')[0], 'base64url').toString()).kid).toBe(enc.kid);
  });

  it('encrypts to a key fetched from jwks_uri', async () => {
    const key = await generateEncryptionKey('ECDH-ES+A256KW');
    const client = await clientWith({ jwks_uri: 'https://rp.test/jwks', id_token_encrypted_response_alg: 'ECDH-ES+A256KW' });
    const fetched: string[] = [];
    const fakeFetch = (async (url: string) => {
      fetched.push(url);
      return new Response(JSON.stringify({ keys: [key.publicJwk] }), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const jwe = await mintIdToken(
      { keys: op.keys, clientKeys: clientKeys({ fetch: fakeFetch }) },
      { issuer: ISSUER, user, client, nonce: null, authTime: op.clock.now, acr: 'a', amr: ['pwd'], now: op.clock.now, ttlSeconds: 60 },
    );
    expect(fetched).toEqual(['https://rp.test/jwks']);
    const { plaintext } = await decryptJwt(jwe, key.privateJwk, { algorithms: ['ECDH-ES+A256KW'] });
    await expect(verifyJwtWithJwks(plaintext, await jwks(), { issuer: ISSUER, audience: client.id })).resolves.toBeDefined();
  });

  it('answers server_error, never a plaintext ID token, when the client has no usable key', async () => {
    const wrong: EncryptionKeyPair = await generateEncryptionKey('ECDH-ES');
    const client = await clientWith({ jwks: { keys: [wrong.publicJwk] }, id_token_encrypted_response_alg: 'RSA-OAEP-256' });
    const res = await codeFlow(client);
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(res.body).not.toHaveProperty('id_token');
  });

  it('encrypts ID tokens from the authorization endpoint too (implicit)', async () => {
    const key = await generateEncryptionKey('RSA-OAEP-256');
    const client = await createFrontChannelClient(op.repos, {
      secret: randomToken(32),
      metadata: { jwks: { keys: [key.publicJwk] }, id_token_encrypted_response_alg: 'RSA-OAEP-256' },
    });
    const { query } = authorizeQuery(client, { response_type: 'id_token' });
    const delivered = readAuthorizationResponse(await authorizeAndSignIn(browser(op.app), query, user.email));
    const { plaintext } = await decryptJwt(delivered.params.get('id_token')!, key.privateJwk, { algorithms: ['RSA-OAEP-256'] });
    const { payload } = await verifyJwtWithJwks(plaintext, await jwks(), { issuer: ISSUER, audience: client.id });
    expect(payload).toMatchObject({ nonce: 'nonce-456', s_hash: tokenHash('state-123', 'RS256') });
  });
});
