import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../repositories/client-repository.js';
import { allowedScope, narrowScope, parseScope, registeredScope } from './scope.js';

const invalidScope = expect.objectContaining({ error: 'invalid_scope' });

function client(metadata: Record<string, unknown>): ClientRecord {
  const parsed = ClientMetadataSchema.parse({ redirect_uris: [], ...metadata });
  return {
    id: 'c',
    secret: 's',
    firstParty: false,
    name: 'c',
    redirectUris: [],
    responseTypes: parsed.response_types,
    grantTypes: parsed.grant_types,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    metadata: parsed,
  };
}

describe('parseScope', () => {
  it('splits on spaces and drops duplicates and empty items', () => {
    expect(parseScope('a  b a')).toEqual(['a', 'b']);
  });
  it('is undefined when absent', () => {
    expect(parseScope(undefined)).toBeUndefined();
  });
});

describe('registeredScope', () => {
  it('reads the RFC 7591 scope string', () => {
    expect(registeredScope(client({ scope: 'api:read api:write' }))).toEqual(['api:read', 'api:write']);
  });
  it('is empty when none is registered or it is not a string', () => {
    expect(registeredScope(client({}))).toEqual([]);
    expect(registeredScope(client({ scope: ['api:read'] }))).toEqual([]);
  });
});

describe('narrowScope', () => {
  const granted = ['openid', 'profile', 'email'];
  it('keeps the whole grant when no scope is requested', () => {
    expect(narrowScope(undefined, granted)).toEqual(granted);
  });
  it('narrows to a subset, in the grant order', () => {
    expect(narrowScope(['email', 'openid'], granted)).toEqual(['openid', 'email']);
  });
  it('refuses anything beyond the grant with invalid_scope', () => {
    expect(() => narrowScope(['openid', 'phone'], granted)).toThrow(invalidScope);
  });
});

describe('allowedScope', () => {
  const options = { allowed: ['api:read', 'api:write', 'openid'], fallback: ['api:read', 'openid'], forbidden: ['openid'] };
  it('uses the fallback without the forbidden values when nothing is requested', () => {
    expect(allowedScope(undefined, options)).toEqual(['api:read']);
  });
  it('accepts a subset of the allowed scope', () => {
    expect(allowedScope(['api:write'], options)).toEqual(['api:write']);
  });
  it('refuses a scope outside the allowed one', () => {
    expect(() => allowedScope(['api:admin'], options)).toThrow(invalidScope);
  });
  it('refuses a forbidden scope even when registered', () => {
    expect(() => allowedScope(['openid', 'api:read'], options)).toThrow(invalidScope);
  });
});
