import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { OpConfig } from '../config.js';
import { clearCookie, readCookie, setCookie } from '../middleware/cookies.js';
import type { SessionRecord, SessionRepository } from '../repositories/session-repository.js';

export const SESSION_COOKIE = 'op_session';

/** Password authentication: the only acr of the walking skeleton (step-up adds more). */
export const ACR_PASSWORD = 'urn:oidc-ref:acr:pwd';

export function browserSessions(repo: SessionRepository, config: OpConfig) {
  return {
    /** The live session named by the browser's cookie, if any. */
    async current(req: Request, now: Date): Promise<SessionRecord | null> {
      const cookie = readCookie(req, SESSION_COOKIE);
      if (!cookie) return null;
      return repo.findLiveByCookieHash(sha256Base64Url(cookie), now);
    },
    /**
     * Starts a fresh session after a successful login. A new cookie value every time, so a
     * session id planted before login is worthless (session fixation).
     */
    async start(res: Response, input: { userId: string; amr: string[]; acr: string; now: Date }, previous: SessionRecord | null) {
      if (previous) await repo.delete(previous.id);
      const cookie = randomToken(32);
      const session = await repo.create({
        id: randomUUID(),
        cookieHash: sha256Base64Url(cookie),
        userId: input.userId,
        authTime: input.now,
        acr: input.acr,
        amr: input.amr,
        expiresAt: new Date(input.now.getTime() + config.ttl.session * 1000),
      });
      setCookie(res, SESSION_COOKIE, cookie, { secure: config.secureCookies, maxAgeSeconds: config.ttl.session });
      return session;
    },
    async end(req: Request, res: Response, now: Date): Promise<void> {
      const session = await this.current(req, now);
      if (session) await repo.delete(session.id);
      clearCookie(res, SESSION_COOKIE, { secure: config.secureCookies });
    },
  };
}
export type BrowserSessions = ReturnType<typeof browserSessions>;
