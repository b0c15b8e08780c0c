import { UserInfoResponseSchema } from './userinfo.js';

const full = {
  sub: '248289761001',
  name: 'Jane Doe',
  given_name: 'Jane',
  family_name: 'Doe',
  middle_name: 'Q',
  nickname: 'jd',
  preferred_username: 'j.doe',
  profile: 'https://example.com/janedoe',
  picture: 'https://example.com/janedoe/me.jpg',
  website: 'https://janedoe.example.org',
  email: 'janedoe@example.com',
  email_verified: true,
  gender: 'female',
  birthdate: '0000-10-31',
  zoneinfo: 'Europe/Paris',
  locale: 'fr-FR',
  phone_number: '+1 (425) 555-1212',
  phone_number_verified: false,
  address: { street_address: '1 Main St', locality: 'Anytown', country: 'US' },
  updated_at: 1_700_000_000,
};

describe('UserInfoResponseSchema', () => {
  it('accepts sub alone', () => {
    expect(UserInfoResponseSchema.parse({ sub: 'u1' })).toEqual({ sub: 'u1' });
  });

  it('accepts every standard claim', () => {
    expect(UserInfoResponseSchema.parse(full)).toEqual(full);
  });

  it('keeps unknown claims (loose)', () => {
    expect(UserInfoResponseSchema.parse({ sub: 'u1', tenant: 'personal' })['tenant']).toBe('personal');
  });

  it('accepts a year-only birthdate', () => {
    expect(UserInfoResponseSchema.safeParse({ sub: 'u1', birthdate: '1990' }).success).toBe(true);
  });

  it('rejects a missing sub', () => {
    const { sub: _dropped, ...rest } = full;
    expect(UserInfoResponseSchema.safeParse(rest).success).toBe(false);
  });

  it.each<[string, unknown]>([
    ['sub', ''],
    ['sub', 'x'.repeat(256)],
    ['name', null],
    ['email', ''],
    ['email_verified', 'true'],
    ['phone_number_verified', 1],
    ['picture', 'not a url'],
    ['birthdate', '31/10/1990'],
    ['birthdate', '1990-13-01'],
    ['updated_at', '2024-01-01'],
    ['address', 'Main St'],
    ['address', { locality: 42 }],
  ])('rejects %s = %p', (claim, value) => {
    expect(UserInfoResponseSchema.safeParse({ ...full, [claim]: value }).success).toBe(false);
  });
});
