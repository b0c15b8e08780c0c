import { z } from 'zod';

/**
 * Client metadata (RFC 7591 §2, OpenID Connect Dynamic Client Registration 1.0 §2, the logout
 * specs, and OpenID Provider Commands). This is the *shape*, with the specs' defaults applied;
 * cross-field rules (an `enc` needs its `alg`, response types need their grant types, redirect
 * URI schemes per application type, `jwks` xor `jwks_uri`) belong to the provider that
 * registers clients.
 *
 * Draft 00 of OpenID Provider Commands named the command endpoint `commands_uri`; it is
 * accepted as an alias of `command_endpoint` by {@link normalizeClientMetadata}.
 */
const url = z.string().url();
const stringList = z.array(z.string().min(1));

export const ClientMetadataSchema = z.looseObject({
  redirect_uris: z.array(url).default([]),
  response_types: stringList.default(['code']),
  grant_types: stringList.default(['authorization_code']),
  application_type: z.enum(['web', 'native']).default('web'),
  contacts: stringList.optional(),
  client_name: z.string().min(1).optional(),
  logo_uri: url.optional(),
  client_uri: url.optional(),
  policy_uri: url.optional(),
  tos_uri: url.optional(),
  jwks_uri: url.optional(),
  jwks: z.object({ keys: z.array(z.looseObject({ kty: z.string() })) }).optional(),
  sector_identifier_uri: url.optional(),
  subject_type: z.enum(['public', 'pairwise']).optional(),
  id_token_signed_response_alg: z.string().default('RS256'),
  id_token_encrypted_response_alg: z.string().optional(),
  id_token_encrypted_response_enc: z.string().optional(),
  userinfo_signed_response_alg: z.string().optional(),
  userinfo_encrypted_response_alg: z.string().optional(),
  userinfo_encrypted_response_enc: z.string().optional(),
  request_object_signing_alg: z.string().optional(),
  request_object_encryption_alg: z.string().optional(),
  request_object_encryption_enc: z.string().optional(),
  token_endpoint_auth_method: z
    .enum(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'])
    .default('client_secret_basic'),
  token_endpoint_auth_signing_alg: z.string().optional(),
  default_max_age: z.number().int().nonnegative().optional(),
  require_auth_time: z.boolean().default(false),
  default_acr_values: stringList.optional(),
  initiate_login_uri: url.optional(),
  request_uris: z.array(url).optional(),
  post_logout_redirect_uris: z.array(url).optional(),
  backchannel_logout_uri: url.optional(),
  backchannel_logout_session_required: z.boolean().default(false),
  frontchannel_logout_uri: url.optional(),
  frontchannel_logout_session_required: z.boolean().default(false),
  command_endpoint: url.optional(),
  software_id: z.string().min(1).optional(),
  software_version: z.string().min(1).optional(),
  /** RFC 9701 §6: JWT introspection responses (signing default RS256 when asked for). */
  introspection_signed_response_alg: z.string().optional(),
  introspection_encrypted_response_alg: z.string().optional(),
  introspection_encrypted_response_enc: z.string().optional(),
  /**
   * Extension (oidc-ref OP): the access token format the client receives: `jwt` (RFC 9068) or
   * `opaque`. Absent: the provider's default per grant.
   */
  access_token_format: z.enum(['jwt', 'opaque']).optional(),
  /**
   * Extension (oidc-ref OP): the client is a resource server, allowed to introspect tokens of
   * other clients. Set by the provider's operator; never accepted from dynamic registration.
   */
  resource_server: z.boolean().optional(),
});

export type ClientMetadata = z.infer<typeof ClientMetadataSchema>;
/** Metadata as a client sends it: every member optional. */
export type ClientMetadataInput = z.input<typeof ClientMetadataSchema>;

/** Maps draft-00 names to draft-02 ones (`commands_uri` → `command_endpoint`), in a copy. */
export function normalizeClientMetadata(input: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...input };
  if (copy.commands_uri !== undefined && copy.command_endpoint === undefined) copy.command_endpoint = copy.commands_uri;
  delete copy.commands_uri;
  return copy;
}
