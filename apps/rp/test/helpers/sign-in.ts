import type { Response } from 'supertest';
import type request from 'supertest';

import type { AuthorizeOptions, FakeOp, FakeUser } from './fake-op.js';

type Browser = ReturnType<typeof request.agent>;

export interface SignInResult {
  authorizationUrl: URL;
  callbackPath: string;
  callback: Response;
}

/**
 * Drives one sign-in like a browser: `/login` → (the OP authorizes `user`) → `/callback`.
 * The browser keeps its cookies between the two requests.
 */
export async function signIn(
  browser: Browser,
  op: FakeOp,
  user: FakeUser,
  options: { returnTo?: string; authorize?: AuthorizeOptions } = {},
): Promise<SignInResult> {
  const login = await browser.get('/login').query(options.returnTo === undefined ? {} : { returnTo: options.returnTo });
  if (login.status !== 303) throw new Error(`/login answered ${login.status}: ${login.text}`);
  const authorizationUrl = new URL(login.headers['location'] as string);
  const { callbackPath } = op.authorize(authorizationUrl.href, user, options.authorize);
  const callback = await browser.get(callbackPath);
  return { authorizationUrl, callbackPath, callback };
}

/** The `rp_session` value a response sets, if any. */
export function sessionCookieFrom(response: Response): string | undefined {
  const header = response.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = header?.find((value) => value.startsWith('rp_session='));
  return cookie?.slice('rp_session='.length).split(';')[0];
}

/** The raw `Set-Cookie` line for `rp_session`, if any. */
export function sessionSetCookie(response: Response): string | undefined {
  const header = response.headers['set-cookie'] as unknown as string[] | undefined;
  return header?.find((value) => value.startsWith('rp_session='));
}

/** Reads the hidden `csrf` field of a page's sign-out form. */
export function csrfFrom(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error('no csrf field on the page');
  return match[1];
}
