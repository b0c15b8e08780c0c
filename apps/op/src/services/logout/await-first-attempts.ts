import type { LogoutRepository } from '../../repositories/logout-repository.js';

/**
 * Waits (at most `timeoutMs`) until the given logout deliveries had their first attempt, so
 * that the post-logout redirect follows the back-channel notifications (RP-Initiated Logout §2:
 * notify, then redirect). It never fails the logout: a slow or unreachable RP only delays the
 * redirect by `timeoutMs`, and the outbox keeps retrying. Returns whether all were attempted.
 *
 * @example
 * await awaitFirstAttempts(repos.logout, deliveryIds, { timeoutMs: 2000 });
 */
export async function awaitFirstAttempts(
  logout: Pick<LogoutRepository, 'countAwaitingFirstAttempt'>,
  ids: string[],
  options: { timeoutMs: number; pollMs?: number },
): Promise<boolean> {
  if (ids.length === 0 || options.timeoutMs <= 0) return ids.length === 0;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if ((await logout.countAwaitingFirstAttempt(ids)) === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 25, Math.max(1, deadline - Date.now()))));
  }
}
