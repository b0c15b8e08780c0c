import { tokenHash } from './token-hash.js';

// Token Hash Algorithm Implementer's Guide §3 (checklist §11), checked with node:crypto.
const TOKEN = 'YmJiZTAwYmYtMzgyOC00NzhkLTkyOTItNjJjNDM3MGYzOWIy9sFhvH8K_x8UIHj1osisS57f5DduL';
const SHA256 = 'xsZZrUssMXjL3FBlzoSh2g';
const SHA384 = 'adt46pcdiB-l6eTNifgoVM-5AIJAxq84';
const SHA512 = 'p2LHG4H-8pYDc0hyVOo3iIHvZJUqe9tbj3jESOuXbkY';

describe('tokenHash', () => {
  it.each(['RS256', 'PS256', 'ES256', 'HS256', 'ES256K'])('%s uses SHA-256', (alg) => {
    expect(tokenHash(TOKEN, alg)).toBe(SHA256);
  });

  it.each(['RS384', 'PS384', 'ES384', 'HS384'])('%s uses SHA-384', (alg) => {
    expect(tokenHash(TOKEN, alg)).toBe(SHA384);
  });

  it.each(['RS512', 'PS512', 'ES512', 'HS512', 'EdDSA', 'Ed25519'])('%s uses SHA-512', (alg) => {
    expect(tokenHash(TOKEN, alg)).toBe(SHA512);
  });

  it('matches the OIDC Core A.3/A.4 examples (RS256 at_hash and c_hash)', () => {
    expect(tokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
    expect(tokenHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'RS256')).toBe('LDktKdoQak3Pk0cnXxCltA');
  });

  it('returns unpadded base64url of half the digest', () => {
    expect(tokenHash('x', 'RS256')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokenHash('x', 'RS384')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(tokenHash('x', 'EdDSA')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each(['none', 'Ed448', 'RS1', 'ES256X', 'rs256', '', 'ML-DSA-44'])('throws ERR_UNSUPPORTED_ALG for %p', (alg) => {
    expect(() => tokenHash(TOKEN, alg)).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'ERR_UNSUPPORTED_ALG' }));
  });
});
