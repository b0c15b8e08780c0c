import { z } from 'zod';

import { HttpUrlSchema, IssuerSchema } from './primitives.js';

/**
 * The common error codes this project emits or expects: RFC 6749 §4.1.2.1 and §5.2, OIDC Core
 * §3.1.2.6, RFC 6750 §3.1 (`invalid_token`, `insufficient_scope`), OIDC Dynamic Client
 * Registration §3.3 / RFC 7591 (`invalid_redirect_uri`, `invalid_client_metadata`) and
 * "OpenID Connect Core Error Code unmet_authentication_requirements 1.0".
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
  'invalid_token',
  'insufficient_scope',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'unmet_authentication_requirements',
] as const;

/** One of {@link OAUTH_ERROR_CODES}. */
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/**
 * Whether `value` is one of {@link OAUTH_ERROR_CODES}.
 *
 * @example
 * ```ts
 * isOAuthErrorCode('invalid_grant'); // true
 * isOAuthErrorCode('oops'); // false
 * ```
 */
export function isOAuthErrorCode(value: unknown): value is OAuthErrorCode {
  return typeof value === 'string' && (OAUTH_ERROR_CODES as readonly string[]).includes(value);
}

/** RFC 6749 §4.1.2.1 / §5.2: `error` and `error_description` use %x20-21 / %x23-5B / %x5D-7E. */
const ERROR_CHARSET = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * An OAuth 2.0 error response, from the token endpoint (JSON body) or the authorization endpoint
 * (redirect parameters). `error` is any well-formed code, not only {@link OAUTH_ERROR_CODES},
 * because extensions define more. `iss` is the RFC 9207 authorization response issuer.
 * Unknown members are kept (the object is loose).
 *
 * @example
 * ```ts
 * const result = OAuthErrorResponseSchema.safeParse(await response.json());
 * if (result.success && result.data.error === 'invalid_grant') restartLogin();
 * ```
 */
export const OAuthErrorResponseSchema = z
  .object({
    error: z.string().regex(ERROR_CHARSET, 'error contains characters outside RFC 6749 §5.2'),
    error_description: z
      .string()
      .regex(ERROR_CHARSET, 'error_description contains characters outside RFC 6749 §5.2')
      .optional(),
    error_uri: HttpUrlSchema.optional(),
    state: z.string().min(1).optional(),
    iss: IssuerSchema.optional(),
  })
  .loose();

/** Validated OAuth 2.0 error response. */
export type OAuthErrorResponse = z.infer<typeof OAuthErrorResponseSchema>;
