import { z } from 'zod';

/** How long a started sign-in may take before the callback is refused. */
export const LOGIN_TTL_SECONDS = 600;

/**
 * A pending sign-in, kept in `Session.loginState` between `/login` and `/callback`. It never
 * leaves the server: the browser only carries the session cookie.
 */
export const LoginStateSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  returnTo: z.string().startsWith('/'),
  /** Milliseconds since the epoch. */
  expiresAt: z.number().int(),
});

export type LoginState = z.infer<typeof LoginStateSchema>;
