import { carriesTokens, defaultResponseMode, deliveryMode, normaliseResponseType, responseParts } from './response-type.js';

it('normalises space-separated values by sorting them', () => {
  expect(normaliseResponseType('token id_token code')).toBe('code id_token token');
  expect(normaliseResponseType('code')).toBe('code');
});

it('says what each response type returns', () => {
  expect(responseParts('code')).toEqual({ code: true, idToken: false, accessToken: false });
  expect(responseParts('id_token token')).toEqual({ code: false, idToken: true, accessToken: true });
  expect(responseParts('code id_token token')).toEqual({ code: true, idToken: true, accessToken: true });
});

it('defaults to query for code and fragment for anything carrying a token', () => {
  expect(defaultResponseMode('code')).toBe('query');
  expect(defaultResponseMode(undefined)).toBe('query');
  for (const type of ['id_token', 'token', 'code token', 'id_token code']) {
    expect(carriesTokens(type)).toBe(true);
    expect(defaultResponseMode(type)).toBe('fragment');
  }
});

it('delivers with the requested mode unless it is query with tokens', () => {
  expect(deliveryMode('form_post', 'code')).toBe('form_post');
  expect(deliveryMode('fragment', 'code')).toBe('fragment');
  expect(deliveryMode('query', 'code id_token')).toBe('fragment');
  expect(deliveryMode(undefined, 'id_token')).toBe('fragment');
});
