import { z } from 'zod';

/**
 * A successful token endpoint response (RFC 6749 §5.1, OIDC Core §3.1.3.3). `token_type` is
 * compared case-insensitively by clients (`Bearer`), so any non-empty value passes here.
 * Unknown members are kept (the object is loose).
 *
 * @example
 * ```ts
 * const tokens = TokenResponseSchema.parse(await response.json());
 * if (tokens.token_type.toLowerCase() !== 'bearer') throw new Error('unexpected token_type');
 * ```
 */
export const TokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: z.string().min(1),
    /** Lifetime of the access token in seconds. */
    expires_in: z.number().int().nonnegative().optional(),
    refresh_token: z.string().min(1).optional(),
    /** Present for OIDC requests (scope contains `openid`). */
    id_token: z.string().min(1).optional(),
    /** Space-separated; REQUIRED by RFC 6749 §5.1 when it differs from the requested scope. */
    scope: z.string().optional(),
  })
  .loose();

/** Validated token endpoint response. */
export type TokenResponse = z.infer<typeof TokenResponseSchema>;
