import { z } from 'zod';

import { HttpUrlSchema, NumericDateSchema } from './primitives.js';

/** The `address` claim (OIDC Core §5.1.1). */
export const AddressClaimSchema = z
  .object({
    formatted: z.string().min(1).optional(),
    street_address: z.string().min(1).optional(),
    locality: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    postal_code: z.string().min(1).optional(),
    country: z.string().min(1).optional(),
  })
  .loose();

/** Validated `address` claim. */
export type AddressClaim = z.infer<typeof AddressClaimSchema>;

/** `YYYY`, `YYYY-MM-DD`, or `0000-MM-DD` when the year is withheld (OIDC Core §5.1). */
const BIRTHDATE = /^\d{4}(?:-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))?$/;

/**
 * A plain-JSON UserInfo response (OIDC Core §5.3.2) with the standard claims of §5.1.
 * `sub` is required and must equal the ID Token's `sub` (the RP checks that). Claims without a
 * value must be left out, so `null` and `""` fail. Unknown claims are kept (the object is loose).
 *
 * @example
 * ```ts
 * const info = UserInfoResponseSchema.parse(await response.json());
 * if (info.sub !== idTokenClaims.sub) throw new Error('sub mismatch');
 * ```
 */
export const UserInfoResponseSchema = z
  .object({
    sub: z.string().min(1).max(255),
    name: z.string().min(1).optional(),
    given_name: z.string().min(1).optional(),
    family_name: z.string().min(1).optional(),
    middle_name: z.string().min(1).optional(),
    nickname: z.string().min(1).optional(),
    preferred_username: z.string().min(1).optional(),
    profile: HttpUrlSchema.optional(),
    picture: HttpUrlSchema.optional(),
    website: HttpUrlSchema.optional(),
    email: z.string().min(1).optional(),
    email_verified: z.boolean().optional(),
    gender: z.string().min(1).optional(),
    birthdate: z.string().regex(BIRTHDATE, 'birthdate must be YYYY or YYYY-MM-DD').optional(),
    /** An IANA time zone name, e.g. `Europe/Paris`. */
    zoneinfo: z.string().min(1).optional(),
    /** A BCP 47 language tag, e.g. `en-US`. */
    locale: z.string().min(1).optional(),
    phone_number: z.string().min(1).optional(),
    phone_number_verified: z.boolean().optional(),
    address: AddressClaimSchema.optional(),
    updated_at: NumericDateSchema.optional(),
  })
  .loose();

/** Validated UserInfo response. */
export type UserInfoResponse = z.infer<typeof UserInfoResponseSchema>;
