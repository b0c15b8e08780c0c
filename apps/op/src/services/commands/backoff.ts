/** The outbox's retry policy: exponential backoff with jitter, capped, and a bounded attempt count. */
export interface RetryPolicy {
  /** The delay before the second attempt, in ms (doubled per attempt). Default 1000. */
  baseDelayMs: number;
  /** The largest delay, in ms. Default 5 minutes. */
  maxDelayMs: number;
  /** Attempts before a retryable failure becomes `failed`. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 10 });

/**
 * The delay after failed attempt number `attempt` (1-based): `base * 2^(attempt-1)`, capped at
 * `maxDelayMs`, with "equal jitter" (a random value in the upper half) so that RPs coming back
 * after an outage are not hit by every OP process at once.
 *
 * @example
 * retryDelayMs(3, DEFAULT_RETRY_POLICY, () => 1); // 4000
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
