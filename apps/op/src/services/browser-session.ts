import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import { bestLevel } from '../authentication/plan.js';
import type { OpConfig } from '../config.js';
import { clearCookie, readCookie, setCookie } from '../middleware/cookies.js';
import type { AcrLevel } from '../repositories/acr-level-repository.js';
import type { SessionFactor, SessionRecord, SessionRepository } from '../repositories/session-repository.js';

export const SESSION_COOKIE = 'op_session';
export { ACR_PASSWORD } from '../authentication/levels.js';

/** The session's summary after `factors`: best acr met, every amr, the latest factor's time. */
function summary(levels: readonly AcrLevel[], factors: readonly SessionFactor[]) {
  const level = bestLevel(levels, factors);
  const methods = [...new Set(factors.map((factor) => factor.method))];
  return {
    acr: level?.acr ?? levels[0]?.acr ?? 'unknown',
    amr: methods.length >= 2 ? [...methods, 'mfa'] : methods,
    authTime: new Date(Math.max(...factors.map((factor) => factor.completedAt.getTime()))),
  };
}

/**
 * The OP's browser sessions: a random cookie (`op_session`, stored hashed), the user, and every
 * factor completed in it. The cookie value changes whenever the session gains a factor, so a
 * value planted or seen before a privilege change is worthless (session fixation).
 */
export function browserSessions(
  repo: SessionRepository,
  config: OpConfig,
  levels: readonly AcrLevel[],
  /** Ends a session replaced by another user's sign-in (logout notifies its RPs); default: delete it. */
  endReplaced: (sessionId: string) => Promise<unknown> = (id) => repo.delete(id),
) {
  const issueCookie = (res: Response) => {
    const cookie = randomToken(32);
    setCookie(res, SESSION_COOKIE, cookie, { secure: config.secureCookies, maxAgeSeconds: config.ttl.session });
    return sha256Base64Url(cookie);
  };

  return {
    /** The live session named by the browser's cookie, if any. */
    async current(req: Request, now: Date): Promise<SessionRecord | null> {
      const cookie = readCookie(req, SESSION_COOKIE);
      if (!cookie) return null;
      return repo.findLiveByCookieHash(sha256Base64Url(cookie), now);
    },
    /**
     * Records a completed factor. The same user's session gains it (keeping its `sid`);
     * anyone else gets a fresh session, and the previous one ends.
     */
    async recordFactor(
      res: Response,
      input: { userId: string; method: string; now: Date; interactionId?: string },
      previous: SessionRecord | null,
    ): Promise<SessionRecord> {
      const factor = { method: input.method, completedAt: input.now, interactionId: input.interactionId ?? null };
      const cookieHash = issueCookie(res);
      if (previous && previous.userId === input.userId) {
        return repo.addFactor(previous.id, { factor, cookieHash, summary: summary(levels, [...previous.factors, factor]) });
      }
      if (previous) await endReplaced(previous.id);
      return repo.create({
        id: randomUUID(),
        cookieHash,
        userId: input.userId,
        ...summary(levels, [factor]),
        expiresAt: new Date(input.now.getTime() + config.ttl.session * 1000),
        factor,
      });
    },
    async end(req: Request, res: Response, now: Date): Promise<void> {
      const session = await this.current(req, now);
      if (session) await repo.delete(session.id);
      clearCookie(res, SESSION_COOKIE, { secure: config.secureCookies });
    },
  };
}
export type BrowserSessions = ReturnType<typeof browserSessions>;
