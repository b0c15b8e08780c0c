import { z } from 'zod';

import { IssuerSchema, NumericDateSchema } from './primitives.js';

/** The `tenant` value for users who act outside any organisation. */
export const PERSONAL_TENANT = 'personal';

/**
 * Claims of an ID Token (OIDC Core §2, §3.1.3.6, §3.3.2.11) plus this project's `tenant` and
 * `tenant_name` claims. Optional claims must be left out rather than sent as `null`, so `null`
 * fails validation. Unknown claims are kept (the object is loose).
 *
 * This checks the shape only. Signature, `iss` equality, `aud` membership, `exp` and `nonce`
 * are checked by the verifier (`@oidc-ref/crypto` and the RP).
 *
 * @example
 * ```ts
 * const claims = IdTokenClaimsSchema.parse(payload);
 * if (!audienceIncludes(claims.aud, clientId)) throw new Error('not for us');
 * ```
 */
export const IdTokenClaimsSchema = z
  .object({
    iss: IssuerSchema,
    /** Never reassigned; at most 255 ASCII characters (Core §2). */
    sub: z.string().min(1).max(255),
    /** A single string when there is one audience; must contain the client_id. */
    aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    exp: NumericDateSchema,
    iat: NumericDateSchema,
    auth_time: NumericDateSchema.optional(),
    nonce: z.string().min(1).optional(),
    acr: z.string().min(1).optional(),
    /** Authentication method references, values from the RFC 8176 registry. */
    amr: z.array(z.string().min(1)).optional(),
    azp: z.string().min(1).optional(),
    at_hash: z.string().min(1).optional(),
    c_hash: z.string().min(1).optional(),
    s_hash: z.string().min(1).optional(),
    sid: z.string().min(1).optional(),
    /** The OP organisation id the user acted for, or {@link PERSONAL_TENANT}. */
    tenant: z.string().min(1),
    /** Display name of `tenant`. */
    tenant_name: z.string().min(1),
  })
  .loose();

/** Validated ID Token claims. */
export type IdTokenClaims = z.infer<typeof IdTokenClaimsSchema>;

/**
 * Whether an `aud` claim (string or array) contains `clientId`, compared exactly (Core §14).
 *
 * @example
 * ```ts
 * audienceIncludes(['rp-1', 'rp-2'], 'rp-2'); // true
 * audienceIncludes('rp-1', 'RP-1'); // false
 * ```
 */
export function audienceIncludes(aud: string | readonly string[], clientId: string): boolean {
  return typeof aud === 'string' ? aud === clientId : aud.includes(clientId);
}
