/**
 * Memoizes an async factory: concurrent callers share one attempt, a success is kept for
 * good, and a failure is forgotten so the next call tries again.
 *
 * @example
 * const getConfig = memoizeUntilFailure(() => discovery(issuer, clientId));
 */
export function memoizeUntilFailure<T>(factory: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = Promise.resolve().then(factory);
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
