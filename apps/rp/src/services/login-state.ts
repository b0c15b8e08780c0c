import { z } from 'zod';

import { SENSITIVE_ACTIONS } from '../lib/step-up-policy.js';

/** How long a started sign-in may take before the callback is refused. */
export const LOGIN_TTL_SECONDS = 600;

/**
 * What a pending step-up sign-in must come back with: the same user (`iss`, `sub` of the
 * session being stepped up), an acr ranked at least `acr`, and, when `maxAge` was sent, an
 * `auth_time` at most that old.
 */
export const StepUpStateSchema = z.object({
  /** The sensitive action that asked for it. */
  action: z.enum(SENSITIVE_ACTIONS),
  /** The weakest acr that satisfies the requirement. */
  acr: z.string().min(1),
  /** Seconds; sent as `max_age`. */
  maxAge: z.number().int().min(0).optional(),
  sub: z.string().min(1),
  iss: z.string().min(1),
});

export type StepUpState = z.infer<typeof StepUpStateSchema>;

/**
 * A pending sign-in, kept in `Session.loginState` between `/login` (or a step-up) and
 * `/callback`. It never leaves the server: the browser only carries the session cookie.
 */
export const LoginStateSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  returnTo: z.string().startsWith('/'),
  /** Milliseconds since the epoch. */
  expiresAt: z.number().int(),
  /** Present when this sign-in is a step-up of the session it is stored on. */
  stepUp: StepUpStateSchema.optional(),
});

export type LoginState = z.infer<typeof LoginStateSchema>;
