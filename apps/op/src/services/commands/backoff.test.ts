import { DEFAULT_RETRY_POLICY, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('doubles from 1 s and caps at 5 minutes', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY, top))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(20, DEFAULT_RETRY_POLICY, top)).toBe(300_000);
    expect(retryDelayMs(2000, DEFAULT_RETRY_POLICY, top)).toBe(300_000);
  });

  it('jitters within the upper half of the exponential delay', () => {
    expect(retryDelayMs(3, DEFAULT_RETRY_POLICY, () => 0)).toBe(2000);
    for (let i = 0; i < 50; i += 1) {
      const delay = retryDelayMs(3, DEFAULT_RETRY_POLICY);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});
