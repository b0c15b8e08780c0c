import { z } from 'zod';

import type { AuthenticationClaims } from '@oidc-ref/rp-kit';

import { decodeVerifiedJwtPayload } from './jwt.js';

const AuthenticationClaimsSchema = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1),
  acr: z.string().min(1).optional(),
  amr: z.array(z.string()).optional(),
  auth_time: z.number().int().nonnegative().optional(),
});

/** What a session's authentication is: the step-up relevant claims of its ID token, with `iss`. */
export interface SessionAuthentication extends AuthenticationClaims {
  iss: string;
  amr?: string[];
}

/**
 * The authentication behind a stored ID token (already verified at sign-in): `iss`, `sub`,
 * `acr`, `amr`, `auth_time`. `undefined` when the token is missing or does not carry them.
 *
 * @example
 * const current = authenticationOf(session.idToken); // { iss, sub, acr: 'urn:oidc-ref:acr:pwd', auth_time }
 */
export function authenticationOf(idToken: string | null | undefined): SessionAuthentication | undefined {
  if (!idToken) return undefined;
  const parsed = AuthenticationClaimsSchema.safeParse(decodeVerifiedJwtPayload(idToken));
  if (!parsed.success) return undefined;
  const { iss, sub, acr, amr, auth_time } = parsed.data;
  return {
    iss,
    sub,
    ...(acr === undefined ? {} : { acr }),
    ...(amr === undefined ? {} : { amr }),
    ...(auth_time === undefined ? {} : { auth_time }),
  };
}
