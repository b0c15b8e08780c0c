// Response types and response modes (OIDC Core §3, OAuth 2.0 Multiple Response Types §2–§5,
// OAuth 2.0 Form Post Response Mode). Pure functions: no I/O.

/** Every response type this OP supports, in the canonical (sorted) spelling. */
export const SUPPORTED_RESPONSE_TYPES = [
  'code',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
] as const;
export type ResponseType = (typeof SUPPORTED_RESPONSE_TYPES)[number];

export const SUPPORTED_RESPONSE_MODES = ['query', 'fragment', 'form_post'] as const;
export type ResponseMode = (typeof SUPPORTED_RESPONSE_MODES)[number];

/**
 * The canonical spelling of a space-separated response type: values sorted, so that
 * `token id_token` and `id_token token` compare equal (MRT §1.2). Separators are single
 * spaces (OIDC Core §14); an empty or repeated value makes the result unsupported.
 */
export function normaliseResponseType(value: string): string {
  return value.split(' ').sort().join(' ');
}

export function isSupportedResponseType(value: string): value is ResponseType {
  return (SUPPORTED_RESPONSE_TYPES as readonly string[]).includes(value);
}

/** What a response type returns from the authorization endpoint. */
export function responseParts(type: ResponseType): { code: boolean; idToken: boolean; accessToken: boolean } {
  const values = type.split(' ');
  return { code: values.includes('code'), idToken: values.includes('id_token'), accessToken: values.includes('token') };
}

/**
 * Whether a raw response_type value asks for anything but `code`: a token or an ID token in
 * the front channel. Such responses must never travel in the query (MRT §5, OIDC Core §3.2.2.5).
 */
export function carriesTokens(rawResponseType: string | undefined): boolean {
  if (rawResponseType === undefined) return false;
  return rawResponseType.split(' ').some((value) => value === 'token' || value === 'id_token');
}

/** The default response mode: `query` for `code`, `fragment` for anything carrying a token (MRT §2.1, §5). */
export function defaultResponseMode(rawResponseType: string | undefined): ResponseMode {
  return carriesTokens(rawResponseType) ? 'fragment' : 'query';
}

export function isSupportedResponseMode(value: string): value is ResponseMode {
  return (SUPPORTED_RESPONSE_MODES as readonly string[]).includes(value);
}

/**
 * The mode a response (success or error) is delivered with: the requested one when it is
 * supported and allowed for the response type, else the response type's default (so an error
 * about `response_mode=query` with tokens travels in the fragment, never in the query).
 */
export function deliveryMode(requested: ResponseMode | undefined, rawResponseType: string | undefined): ResponseMode {
  if (requested === undefined) return defaultResponseMode(rawResponseType);
  if (requested === 'query' && carriesTokens(rawResponseType)) return defaultResponseMode(rawResponseType);
  return requested;
}

/**
 * The grant types the authorization endpoint itself implements, for `grant_types_supported`
 * (Discovery §3): `implicit`, since `id_token` and `id_token token` are supported.
 */
export const FRONT_CHANNEL_GRANT_TYPES: readonly string[] = Object.freeze(['implicit']);
