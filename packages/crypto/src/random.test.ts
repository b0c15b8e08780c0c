import { randomToken } from './random.js';

describe('randomToken', () => {
  it('defaults to 32 random bytes as 43 base64url characters', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('honours the byte count', () => {
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    expect(Buffer.from(randomToken(64), 'base64url')).toHaveLength(64);
  });

  it('does not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken(16)));
    expect(tokens.size).toBe(1000);
  });

  it.each([0, 8, 15, 1.5, -1, 1025, Number.NaN])('throws RangeError for %p bytes', (bytes) => {
    expect(() => randomToken(bytes)).toThrow(RangeError);
  });
});
