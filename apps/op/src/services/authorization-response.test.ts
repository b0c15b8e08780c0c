import { InvalidRequest } from '../errors.js';
import { authorizationErrorUrl, authorizationResponseUrl } from './authorization-response.js';

const target = { redirectUri: 'https://rp.test/cb?tenant=a', mode: 'query' as const, state: 's&1', issuer: 'https://op.test' };

it('keeps the redirect URI query and adds state and iss', () => {
  const url = new URL(authorizationResponseUrl(target, { code: 'abc' }));
  expect(url.searchParams.get('tenant')).toBe('a');
  expect(url.searchParams.get('code')).toBe('abc');
  expect(url.searchParams.get('state')).toBe('s&1');
  expect(url.searchParams.get('iss')).toBe('https://op.test');
});

it('uses the fragment in fragment mode', () => {
  const url = new URL(authorizationResponseUrl({ ...target, mode: 'fragment' }, { code: 'abc' }));
  expect(url.searchParams.get('code')).toBeNull();
  expect(new URLSearchParams(url.hash.slice(1)).get('code')).toBe('abc');
});

it('leaves state out when none was sent and strips characters RFC 6749 forbids in errors', () => {
  const url = new URL(authorizationErrorUrl({ ...target, state: undefined }, new InvalidRequest('bad "value"\n\\here')));
  expect(url.searchParams.has('state')).toBe(false);
  expect(url.searchParams.get('error')).toBe('invalid_request');
  expect(url.searchParams.get('error_description')).toBe('bad valuehere');
});
