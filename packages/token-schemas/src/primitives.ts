import { z } from 'zod';

/**
 * Building blocks shared by the wire schemas. Not part of the public surface: each artifact file
 * re-exports what its callers need.
 */

/** An absolute `http(s)` URL. `http` is allowed so local development issuers validate too. */
export const HttpUrlSchema = z.url({ protocol: /^https?$/ });

/**
 * An issuer identifier: an `http(s)` URL with no query and no fragment (OIDC Core §2,
 * Discovery §3). `https` is required in production by OP configuration, not by this schema.
 */
export const IssuerSchema = HttpUrlSchema.refine(
  (value) => !value.includes('?') && !value.includes('#'),
  { message: 'issuer must not contain a query or fragment' },
);

/** Seconds since the epoch (RFC 7519 NumericDate). Non-integer values are allowed by the RFC. */
export const NumericDateSchema = z.number().nonnegative();

/** A non-empty array of non-empty strings. */
export const NonEmptyStringArraySchema = z.array(z.string().min(1)).min(1);
