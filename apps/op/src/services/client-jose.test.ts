import { KeySet, decodeJwtUnverified, generateSigningKey, randomToken, verifyJwtWithSecret } from '@oidc-ref/crypto';
import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import { ClientJoseError, encryptForClient, signForClient } from './client-jose.js';
import type { ClientKeys } from './client-keys.js';
import type { KeyService } from './keys.js';

function client(secret: string | null, metadata: Record<string, unknown> = {}): ClientRecord {
  const parsed = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.example/cb'], ...metadata });
  return {
    id: 'c1',
    secret,
    firstParty: false,
    name: 'c1',
    redirectUris: parsed.redirect_uris,
    responseTypes: parsed.response_types,
    grantTypes: parsed.grant_types,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    metadata: parsed,
  };
}

let keys: KeyService;
beforeAll(async () => {
  const set = await KeySet.load([await generateSigningKey('ES256')]);
  keys = { current: () => set, reload: async () => set, refresh: async () => set, stop: () => undefined };
});

describe('signForClient', () => {
  it('signs with the OP key of the alg', async () => {
    const token = await signForClient(keys, client('s'), 'ES256', { sub: 'u' });
    expect(decodeJwtUnverified(token).header).toMatchObject({ alg: 'ES256', kid: keys.current().signingKey('ES256').kid });
  });

  it('signs HS* with the client secret when it is long enough', async () => {
    const secret = randomToken(48);
    const token = await signForClient(keys, client(secret), 'HS512', { sub: 'u' });
    await expect(verifyJwtWithSecret(token, secret, { algorithms: ['HS512'] })).resolves.toMatchObject({ payload: { sub: 'u' } });
  });

  it.each<[string, ClientRecord, string]>([
    ['HS256 with a 31-octet secret', client('x'.repeat(31)), 'HS256'],
    ['HS512 with a 63-octet secret', client('x'.repeat(63)), 'HS512'],
    ['HS256 for a public client', client('x'.repeat(64), { token_endpoint_auth_method: 'none' }), 'HS256'],
    ['HS256 without a secret', client(null), 'HS256'],
    ['an unknown alg', client('s'), 'RS384'],
    ['none', client('s'), 'none'],
  ])('refuses %s', async (_label, target, alg) => {
    await expect(signForClient(keys, target, alg, { sub: 'u' })).rejects.toBeInstanceOf(ClientJoseError);
  });
});

describe('encryptForClient', () => {
  it('fails with ClientJoseError when the client has no usable key', async () => {
    const clientKeys = { jwksFor: async () => ({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', use: 'sig' }] }) } as unknown as ClientKeys;
    await expect(encryptForClient(clientKeys, client('s'), { sub: 'u' }, 'RSA-OAEP-256')).rejects.toBeInstanceOf(ClientJoseError);
    await expect(encryptForClient(clientKeys, client('s'), { sub: 'u' }, 'dir')).rejects.toBeInstanceOf(ClientJoseError);
  });
});
