import { allowsInsecureRequests, isLoopbackUrl } from './loopback.js';

describe('isLoopbackUrl', () => {
  it.each(['http://localhost:4000', 'http://LOCALHOST', 'http://127.0.0.1:4000/', 'http://[::1]:4000', 'https://localhost'])(
    'treats %s as loopback',
    (url) => {
      expect(isLoopbackUrl(new URL(url))).toBe(true);
    },
  );

  it.each([
    'http://op.example',
    'http://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'http://10.0.0.1',
    'http://[::2]',
    'http://0.0.0.0',
  ])('does not treat %s as loopback', (url) => {
    expect(isLoopbackUrl(new URL(url))).toBe(false);
  });
});

describe('allowsInsecureRequests', () => {
  it('allows plain http only on a loopback host', () => {
    expect(allowsInsecureRequests(new URL('http://localhost:4000'))).toBe(true);
    expect(allowsInsecureRequests(new URL('http://[::1]:4000'))).toBe(true);
    expect(allowsInsecureRequests(new URL('http://op.example'))).toBe(false);
  });

  it('never needs it for https', () => {
    expect(allowsInsecureRequests(new URL('https://localhost'))).toBe(false);
    expect(allowsInsecureRequests(new URL('https://op.example'))).toBe(false);
  });
});
