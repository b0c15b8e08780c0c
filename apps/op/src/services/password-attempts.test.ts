import { passwordAttemptKey, passwordAttemptLimiter } from './password-attempts.js';

const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);

describe('passwordAttemptLimiter', () => {
  it('locks a key after five failures within fifteen minutes', () => {
    const limiter = passwordAttemptLimiter();
    for (let i = 0; i < 4; i++) limiter.recordFailure('k', at(i));
    expect(limiter.isLocked('k', at(10))).toBe(false);
    limiter.recordFailure('k', at(20));
    expect(limiter.isLocked('k', at(21))).toBe(true);
  });

  it('unlocks when the oldest failure leaves the window', () => {
    const limiter = passwordAttemptLimiter();
    for (let i = 0; i < 5; i++) limiter.recordFailure('k', at(i * 60));
    expect(limiter.isLocked('k', at(15 * 60 - 1))).toBe(true);
    expect(limiter.isLocked('k', at(15 * 60 + 1))).toBe(false);
  });

  it('does not count failures older than the window', () => {
    const limiter = passwordAttemptLimiter();
    for (let i = 0; i < 4; i++) limiter.recordFailure('k', at(0));
    limiter.recordFailure('k', at(16 * 60));
    expect(limiter.isLocked('k', at(16 * 60))).toBe(false);
  });

  it('keeps keys apart', () => {
    const limiter = passwordAttemptLimiter({ maxFailures: 1 });
    limiter.recordFailure('a', at(0));
    expect(limiter.isLocked('a', at(1))).toBe(true);
    expect(limiter.isLocked('b', at(1))).toBe(false);
  });

  it('forgets failures after a success', () => {
    const limiter = passwordAttemptLimiter({ maxFailures: 2 });
    limiter.recordFailure('k', at(0));
    limiter.reset('k');
    limiter.recordFailure('k', at(1));
    expect(limiter.isLocked('k', at(2))).toBe(false);
  });

  it('bounds its memory, forgetting the oldest keys first', () => {
    const limiter = passwordAttemptLimiter({ maxFailures: 1, maxKeys: 2 });
    limiter.recordFailure('a', at(0));
    limiter.recordFailure('b', at(1));
    limiter.recordFailure('c', at(2));
    expect(limiter.isLocked('a', at(3))).toBe(false);
    expect(limiter.isLocked('b', at(3))).toBe(true);
    expect(limiter.isLocked('c', at(3))).toBe(true);
  });

  it('keys by client and case-insensitive username', () => {
    expect(passwordAttemptKey('c', 'Alice@Example.test')).toBe(passwordAttemptKey('c', 'alice@example.test'));
    expect(passwordAttemptKey('c1', 'a')).not.toBe(passwordAttemptKey('c2', 'a'));
  });
});
