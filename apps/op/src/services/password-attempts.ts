export interface PasswordAttemptOptions {
  /** Failures allowed within the window before the key is locked. Default 5. */
  maxFailures?: number;
  /** The sliding window, in seconds. Default 15 minutes. */
  windowSeconds?: number;
  /** Keys remembered at most (memory bound); the oldest are forgotten first. Default 10 000. */
  maxKeys?: number;
}

/**
 * Brute-force protection for the password grant (RFC 6749 §4.3, RFC 9700 §2.4): after
 * `maxFailures` wrong passwords for one key (client + username) within the sliding window, the
 * key is locked — even the right password is refused — until the oldest of those failures
 * leaves the window. In memory, so per OP process.
 */
export function passwordAttemptLimiter(options: PasswordAttemptOptions = {}) {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = (options.windowSeconds ?? 15 * 60) * 1000;
  const maxKeys = options.maxKeys ?? 10_000;
  const failures = new Map<string, number[]>();

  const recent = (key: string, now: Date): number[] => {
    const since = now.getTime() - windowMs;
    const kept = (failures.get(key) ?? []).filter((at) => at > since);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  };

  const makeRoom = (now: Date) => {
    for (const key of failures.keys()) {
      if (failures.size < maxKeys) return;
      recent(key, now);
    }
    while (failures.size >= maxKeys) {
      const oldest = failures.keys().next().value;
      if (oldest === undefined) return;
      failures.delete(oldest);
    }
  };

  return {
    isLocked(key: string, now: Date): boolean {
      return recent(key, now).length >= maxFailures;
    },
    recordFailure(key: string, now: Date): void {
      const kept = recent(key, now);
      if (kept.length === 0) makeRoom(now);
      failures.set(key, [...kept, now.getTime()].slice(-maxFailures));
    },
    /** A successful sign-in forgets earlier failures. */
    reset(key: string): void {
      failures.delete(key);
    },
  };
}
export type PasswordAttemptLimiter = ReturnType<typeof passwordAttemptLimiter>;

/** The limiter key: one client, one username (case-insensitive, as usernames are emails). */
export const passwordAttemptKey = (clientId: string, username: string): string => `${clientId}\n${username.toLowerCase()}`;
