import { z } from 'zod';

import { HttpUrlSchema, IssuerSchema, NonEmptyStringArraySchema } from './primitives.js';

const StringArraySchema = z.array(z.string().min(1));

/**
 * OpenID Provider metadata (OIDC Discovery 1.0 §3) with the RFC 8414, RFC 9207, RFC 7636 and
 * logout extensions this project publishes. Unknown members are kept (the object is loose).
 *
 * `token_endpoint` is REQUIRED by Discovery §3 unless the OP supports only the Implicit flow,
 * so the schema lets it be absent; an RP that uses the code flow must check it is present.
 * Discovery also says `id_token_signing_alg_values_supported` MUST contain `RS256`; that is an
 * OP obligation, not checked here, so an RP can still read a non-conforming OP's document.
 *
 * Defaults that apply when an optional member is absent (Discovery §3): `response_modes_supported`
 * `["query","fragment"]`, `grant_types_supported` `["authorization_code","implicit"]`,
 * `token_endpoint_auth_methods_supported` `["client_secret_basic"]`, `claims_parameter_supported`
 * and `request_parameter_supported` false, `request_uri_parameter_supported` **true**.
 *
 * @example
 * ```ts
 * const metadata = DiscoveryMetadataSchema.parse(await response.json());
 * if (metadata.issuer !== expectedIssuer) throw new Error('issuer mismatch');
 * ```
 */
export const DiscoveryMetadataSchema = z
  .object({
    issuer: IssuerSchema,
    authorization_endpoint: HttpUrlSchema,
    token_endpoint: HttpUrlSchema.optional(),
    userinfo_endpoint: HttpUrlSchema.optional(),
    jwks_uri: HttpUrlSchema,
    registration_endpoint: HttpUrlSchema.optional(),
    scopes_supported: StringArraySchema.optional(),
    response_types_supported: NonEmptyStringArraySchema,
    response_modes_supported: StringArraySchema.optional(),
    grant_types_supported: StringArraySchema.optional(),
    acr_values_supported: StringArraySchema.optional(),
    subject_types_supported: NonEmptyStringArraySchema,
    id_token_signing_alg_values_supported: NonEmptyStringArraySchema,
    token_endpoint_auth_methods_supported: StringArraySchema.optional(),
    token_endpoint_auth_signing_alg_values_supported: StringArraySchema.optional(),
    claim_types_supported: StringArraySchema.optional(),
    claims_supported: StringArraySchema.optional(),
    ui_locales_supported: StringArraySchema.optional(),
    service_documentation: HttpUrlSchema.optional(),
    claims_parameter_supported: z.boolean().optional(),
    request_parameter_supported: z.boolean().optional(),
    request_uri_parameter_supported: z.boolean().optional(),
    /** RFC 7636 / RFC 8414. */
    code_challenge_methods_supported: StringArraySchema.optional(),
    /** RFC 9207. */
    authorization_response_iss_parameter_supported: z.boolean().optional(),
    /** RFC 8414 / RFC 7662. */
    introspection_endpoint: HttpUrlSchema.optional(),
    introspection_endpoint_auth_methods_supported: StringArraySchema.optional(),
    introspection_endpoint_auth_signing_alg_values_supported: StringArraySchema.optional(),
    /** RFC 9701 (JWT introspection responses). */
    introspection_signing_alg_values_supported: StringArraySchema.optional(),
    introspection_encryption_alg_values_supported: StringArraySchema.optional(),
    introspection_encryption_enc_values_supported: StringArraySchema.optional(),
    /** RFC 8414 / RFC 7009. */
    revocation_endpoint: HttpUrlSchema.optional(),
    revocation_endpoint_auth_methods_supported: StringArraySchema.optional(),
    revocation_endpoint_auth_signing_alg_values_supported: StringArraySchema.optional(),
    /** OIDC RP-Initiated Logout 1.0. */
    end_session_endpoint: HttpUrlSchema.optional(),
    /** OIDC Back-Channel Logout 1.0. */
    backchannel_logout_supported: z.boolean().optional(),
    backchannel_logout_session_supported: z.boolean().optional(),
    /** OIDC Front-Channel Logout 1.0. */
    frontchannel_logout_supported: z.boolean().optional(),
    frontchannel_logout_session_supported: z.boolean().optional(),
  })
  .loose();

/** Validated OpenID Provider metadata. */
export type DiscoveryMetadata = z.infer<typeof DiscoveryMetadataSchema>;
