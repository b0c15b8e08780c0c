import { emailDomain, migrateVerdict } from './migrate-policy.js';

const opMetadata = { domains: ['Acme.example'] };

it('refuses an externally managed account as not transferable, whatever its domain', () => {
  expect(migrateVerdict({ current: 'external', email: 'a@acme.example', opMetadata })).toBe('authentication_not_transferable');
});

it('allows rp and op accounts whose email domain the OP publishes (case-insensitive)', () => {
  expect(migrateVerdict({ current: 'rp', email: 'a@ACME.example', opMetadata })).toBe('ok');
  expect(migrateVerdict({ current: 'op_migration', email: 'a@acme.example', opMetadata })).toBe('ok');
});

it('denies other domains, subdomains, no email, and no published domains', () => {
  expect(migrateVerdict({ current: 'rp', email: 'a@other.example', opMetadata })).toBe('access_denied');
  expect(migrateVerdict({ current: 'rp', email: 'a@evil.acme.example', opMetadata })).toBe('access_denied');
  expect(migrateVerdict({ current: 'rp', email: null, opMetadata })).toBe('access_denied');
  expect(migrateVerdict({ current: 'rp', email: 'a@acme.example', opMetadata: null })).toBe('access_denied');
  expect(migrateVerdict({ current: 'rp', email: 'a@acme.example', opMetadata: { domains: 'acme.example' } })).toBe('access_denied');
});

it('reads the domain of an address with exactly one @', () => {
  expect(emailDomain('x@Y.example')).toBe('y.example');
  expect(emailDomain('x@y@z')).toBeNull();
  expect(emailDomain('@y')).toBeNull();
});
