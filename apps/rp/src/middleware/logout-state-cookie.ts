import type { Request, Response } from 'express';

import type { RpConfig } from '../config.js';
import { parseCookieHeader } from '../lib/cookies.js';

/** The `state` of an RP-initiated logout, kept until the OP sends the browser back to `/signed-out`. */
export const LOGOUT_STATE_COOKIE = 'rp_logout_state';

const MAX_AGE_SECONDS = 600;

function cookieOptions(config: Pick<RpConfig, 'secureCookies'>) {
  // Lax: the OP's redirect back is a top-level GET navigation, which carries it.
  return { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/signed-out' } as const;
}

/** HttpOnly, SameSite=Lax, Path=/signed-out, ten minutes. */
export function setLogoutStateCookie(res: Response, config: Pick<RpConfig, 'secureCookies'>, state: string): void {
  res.cookie(LOGOUT_STATE_COOKIE, state, { ...cookieOptions(config), maxAge: MAX_AGE_SECONDS * 1000 });
}

export function readLogoutStateCookie(req: Request): string | undefined {
  return parseCookieHeader(req.headers.cookie)[LOGOUT_STATE_COOKIE];
}

export function clearLogoutStateCookie(res: Response, config: Pick<RpConfig, 'secureCookies'>): void {
  res.clearCookie(LOGOUT_STATE_COOKIE, cookieOptions(config));
}
