import { createHash } from 'node:crypto';

import { pkceS256Challenge, sha256Base64Url } from './digest.js';

describe('sha256Base64Url', () => {
  it('hashes UTF-8 and encodes unpadded base64url', () => {
    expect(sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(sha256Base64Url('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
    const utf8 = createHash('sha256').update(Buffer.from([0xc3, 0xa9])).digest('base64url');
    const latin1 = createHash('sha256').update(Buffer.from([0xe9])).digest('base64url');
    expect(sha256Base64Url('\u00e9')).toBe(utf8);
    expect(sha256Base64Url('\u00e9')).not.toBe(latin1);
  });
});

describe('pkceS256Challenge', () => {
  it('matches RFC 7636 Appendix B', () => {
    expect(pkceS256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});
