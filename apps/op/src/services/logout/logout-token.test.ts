import { KeySet, decodeJwtUnverified, decryptJwt, generateEncryptionKey, generateSigningKey } from '@oidc-ref/crypto';
import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../repositories/client-repository.js';
import type { ClientKeys } from '../client-keys.js';
import { BACKCHANNEL_LOGOUT_EVENT, logoutTokenClaims, mintLogoutToken } from './logout-token.js';
import { frontchannelLogoutUrl, postLogoutRedirectUrl } from './front-channel.js';

function client(metadata: Record<string, unknown> = {}): ClientRecord {
  const parsed = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.example/cb'], ...metadata });
  return {
    id: 'rp-1',
    secret: null,
    firstParty: false,
    name: 'rp-1',
    redirectUris: parsed.redirect_uris,
    responseTypes: parsed.response_types,
    grantTypes: parsed.grant_types,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    metadata: parsed,
  };
}

const NOW = new Date('2026-11-22T03:00:00Z');

describe('logoutTokenClaims', () => {
  it('has iss, aud, iat, exp = iat + 120, jti, the events member, sub and sid, and never nonce', () => {
    const claims = logoutTokenClaims({ issuer: 'https://op.example', clientId: 'rp-1', sub: 'u-1', sid: 's-1', now: NOW, jti: 'j-1' });
    expect(claims).toEqual({
      iss: 'https://op.example',
      aud: 'rp-1',
      iat: 1795316400,
      exp: 1795316520,
      jti: 'j-1',
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      sub: 'u-1',
      sid: 's-1',
    });
    expect(claims).not.toHaveProperty('nonce');
  });

  it('mints a fresh jti each time and leaves sid out when there is none', () => {
    const a = logoutTokenClaims({ issuer: 'i', clientId: 'c', sub: 'u', now: NOW });
    const b = logoutTokenClaims({ issuer: 'i', clientId: 'c', sub: 'u', now: NOW });
    expect(a.jti).not.toBe(b.jti);
    expect(a).not.toHaveProperty('sid');
  });
});

describe('mintLogoutToken', () => {
  it('signs with typ logout+jwt and the client’s ID token alg; a client with unsigned ID tokens gets RS256', async () => {
    const set = await KeySet.load([await generateSigningKey('RS256'), await generateSigningKey('PS256')]);
    const keys = { current: () => set };
    const ps = await mintLogoutToken({ keys }, { issuer: 'i', client: client({ id_token_signed_response_alg: 'PS256' }), sub: 'u', sid: 's', now: NOW });
    expect(decodeJwtUnverified(ps).header).toMatchObject({ alg: 'PS256', typ: 'logout+jwt' });
    const none = await mintLogoutToken({ keys }, { issuer: 'i', client: client({ id_token_signed_response_alg: 'none' }), sub: 'u', now: NOW });
    expect(decodeJwtUnverified(none).header).toMatchObject({ alg: 'RS256', typ: 'logout+jwt' });
    expect(await set.verify(none, { issuer: 'i', audience: 'rp-1', typ: 'logout+jwt', allowExpired: true })).toMatchObject({ payload: { sub: 'u' } });
  });
});

describe('mintLogoutToken for a client with encrypted ID tokens', () => {
  it('encrypts the signed logout token to the client’s key, as its ID tokens (nested JWT)', async () => {
    const set = await KeySet.load([await generateSigningKey('RS256')]);
    const enc = await generateEncryptionKey('ECDH-ES+A128KW');
    const encrypted = client({ jwks: { keys: [enc.publicJwk] }, id_token_encrypted_response_alg: 'ECDH-ES+A128KW' });
    const clientKeys = { jwksFor: async () => ({ keys: [enc.publicJwk] }) } as unknown as ClientKeys;
    const jwe = await mintLogoutToken({ keys: { current: () => set }, clientKeys }, { issuer: 'i', client: encrypted, sub: 'u', sid: 's', now: NOW });
    expect(jwe.split('.')).toHaveLength(5);
    const { plaintext, header } = await decryptJwt(jwe, enc.privateJwk, { algorithms: ['ECDH-ES+A128KW'] });
    expect(header).toMatchObject({ alg: 'ECDH-ES+A128KW', enc: 'A128CBC-HS256', cty: 'JWT' });
    expect(decodeJwtUnverified(plaintext)).toMatchObject({ header: { alg: 'RS256', typ: 'logout+jwt' }, payload: { sub: 'u', sid: 's', aud: 'rp-1' } });
    // Without a key source it refuses rather than sending an unencrypted token.
    await expect(mintLogoutToken({ keys: { current: () => set } }, { issuer: 'i', client: encrypted, sub: 'u', now: NOW })).rejects.toThrow(/encrypt/);
  });
});

describe('front-channel', () => {
  it('adds iss and sid (both) only when the client requires them, keeping its query', () => {
    const required = client({ frontchannel_logout_uri: 'https://rp.example/fc?t=1', frontchannel_logout_session_required: true });
    expect(frontchannelLogoutUrl(required, 'https://op.example', 'abc')).toBe('https://rp.example/fc?t=1&iss=https%3A%2F%2Fop.example&sid=abc');
    expect(frontchannelLogoutUrl(client({ frontchannel_logout_uri: 'https://rp.example/fc' }), 'https://op.example', 'abc')).toBe('https://rp.example/fc');
    expect(frontchannelLogoutUrl(client(), 'https://op.example', 'abc')).toBeUndefined();
  });

  it('adds state to the post-logout redirect, keeping the registered query', () => {
    expect(postLogoutRedirectUrl('https://rp.example/bye?x=1', 'a b')).toBe('https://rp.example/bye?x=1&state=a+b');
    expect(postLogoutRedirectUrl('https://rp.example/bye', undefined)).toBe('https://rp.example/bye');
    expect(postLogoutRedirectUrl('com.example.app:/bye', 's')).toBe('com.example.app:/bye?state=s');
  });
});
