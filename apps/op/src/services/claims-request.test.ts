import {
  claimScopes,
  essentialAcrValues,
  parseClaimsParameter,
  readStoredClaimMembers,
  readStoredClaimsRequest,
  requestedSubject,
} from './claims-request.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { error: string }).error;
  }
  return 'no error';
};

describe('parseClaimsParameter', () => {
  it('keeps id_token and userinfo, null and object requests, and drops what it does not understand', () => {
    const parsed = parseClaimsParameter(
      JSON.stringify({
        id_token: { auth_time: { essential: true }, acr: { values: ['a', 'b'], extra: 1 } },
        userinfo: { email: null, name: { value: 'x' } },
        unknown_member: {},
      }),
    );
    expect(parsed).toEqual({
      id_token: { auth_time: { essential: true }, acr: { values: ['a', 'b'] } },
      userinfo: { email: null, name: { value: 'x' } },
    });
    expect(parseClaimsParameter('{}')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"id_token":'],
    ['an array', '[]'],
    ['a string', '"id_token"'],
    ['null', 'null'],
    ['a non-object member', '{"id_token":[]}'],
    ['a non-object claim request', '{"userinfo":{"email":true}}'],
    ['a non-boolean essential', '{"id_token":{"acr":{"essential":"yes"}}}'],
    ['non-array values', '{"id_token":{"acr":{"values":"a"}}}'],
  ])('refuses %s with invalid_request', (_name, value) => {
    expect(codeOf(() => parseClaimsParameter(value))).toBe('invalid_request');
  });

  it('bounds the number of claims', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`c${i}`, null]));
    expect(codeOf(() => parseClaimsParameter(JSON.stringify({ id_token: many })))).toBe('invalid_request');
  });
});

describe('stored requests', () => {
  it('read malformed storage as absent, never as an error', () => {
    expect(readStoredClaimsRequest(null)).toBeUndefined();
    expect(readStoredClaimsRequest('x')).toBeUndefined();
    expect(readStoredClaimsRequest({ id_token: 5 })).toBeUndefined();
    expect(readStoredClaimsRequest({ userinfo: { email: null } })).toEqual({ userinfo: { email: null } });
    expect(readStoredClaimMembers({ email: null })).toEqual({ email: null });
    expect(readStoredClaimMembers([])).toBeUndefined();
  });
});

describe('requestedSubject', () => {
  it('returns the sub value named in either member', () => {
    expect(requestedSubject(undefined)).toBeUndefined();
    expect(requestedSubject({ id_token: { sub: null } })).toBeUndefined();
    expect(requestedSubject({ id_token: { sub: { value: 'u1' } } })).toBe('u1');
    expect(requestedSubject({ id_token: { sub: { value: 'u1' } }, userinfo: { sub: { value: 'u1' } } })).toBe('u1');
  });

  it('refuses two different subjects or a non-string one', () => {
    expect(codeOf(() => requestedSubject({ id_token: { sub: { value: 'u1' } }, userinfo: { sub: { value: 'u2' } } }))).toBe(
      'invalid_request',
    );
    expect(codeOf(() => requestedSubject({ id_token: { sub: { value: 42 } } }))).toBe('invalid_request');
  });
});

describe('essentialAcrValues', () => {
  it('returns the values of an essential acr request only', () => {
    expect(essentialAcrValues({ id_token: { acr: { essential: true, values: ['a'], value: 'b' } } })).toEqual(['a', 'b']);
    expect(essentialAcrValues({ id_token: { acr: { values: ['a'] } } })).toBeUndefined();
    expect(essentialAcrValues({ id_token: { acr: { essential: true } } })).toBeUndefined();
    expect(essentialAcrValues({ userinfo: { acr: { essential: true, value: 'a' } } })).toBeUndefined();
  });
});

describe('claimScopes', () => {
  it('maps requested standard claims to the scopes that cover them', () => {
    expect(claimScopes({ id_token: { given_name: null, email_verified: null }, userinfo: { phone_number: null, tenant: null } })).toEqual([
      'profile',
      'email',
      'phone',
    ]);
    expect(claimScopes(undefined)).toEqual([]);
  });
});
