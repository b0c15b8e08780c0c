// Dynamic client registration: metadata validation (RFC 7591 §2, OIDC Registration 1.0 §2).
// Pure functions: the policy comes from the OP's own discovery document, so a client can only
// register what the OP advertises, and everything advertised can be registered.
import { HMAC_ALGS, isJweAlg, selectEncryptionKey } from '@oidc-ref/crypto';
import {
  ClientMetadataSchema,
  normalizeClientMetadata,
  type ClientMetadata,
  type DiscoveryMetadata,
} from '@oidc-ref/token-schemas';
import type { OpConfig } from '../config.js';
import {
  frontchannelLogoutUriProblem,
  httpsUriProblem,
  redirectUriProblem,
  serviceUriProblem,
  webPageUriProblem,
  type RedirectUriContext,
} from './registration-uri-rules.js';

/** What may be registered: read from the OP's discovery metadata. */
export interface RegistrationPolicy {
  responseTypes: readonly string[];
  grantTypes: readonly string[];
  tokenEndpointAuthMethods: readonly string[];
  tokenEndpointAuthSigningAlgs: readonly string[];
  idTokenSigningAlgs: readonly string[];
  idTokenEncryptionAlgs: readonly string[];
  idTokenEncryptionEncs: readonly string[];
  userinfoSigningAlgs: readonly string[];
  userinfoEncryptionAlgs: readonly string[];
  userinfoEncryptionEncs: readonly string[];
  requestObjectSigningAlgs: readonly string[];
  requestObjectEncryptionAlgs: readonly string[];
  requestObjectEncryptionEncs: readonly string[];
  /** RFC 9701 members; absent: nothing can be registered for them. */
  introspectionSigningAlgs?: readonly string[];
  introspectionEncryptionAlgs?: readonly string[];
  introspectionEncryptionEncs?: readonly string[];
  subjectTypes: readonly string[];
  /** http on loopback hosts for web redirect URIs and service URLs: only for an http (development) issuer. */
  allowInsecureLoopback: boolean;
}

export type RegistrationErrorCode = 'invalid_client_metadata' | 'invalid_redirect_uri';

export type RegistrationResult =
  | {
      ok: true;
      /** Validated metadata with every default applied; unknown members dropped. */
      metadata: ClientMetadata;
      /** Whether the client gets a client_secret (secret-based auth, or HS* algorithms). */
      needsSecret: boolean;
    }
  | { ok: false; error: RegistrationErrorCode; description: string };

type Problem = { error: RegistrationErrorCode; description: string };
const metadataProblem = (description: string): Problem => ({ error: 'invalid_client_metadata', description });
const redirectProblem = (description: string): Problem => ({ error: 'invalid_redirect_uri', description });

/**
 * Members only the OP's operator sets (`pnpm client:create`): dropped from a registration
 * request like the server-assigned ones. `resource_server` lets a client introspect every
 * client's tokens.
 */
const OPERATOR_MEMBERS: ReadonlySet<string> = new Set(['resource_server']);

/**
 * Members the registration endpoint understands; anything else is ignored (RFC 7591 §2).
 * `scope` is not in the shared schema (it is read leniently elsewhere); it is checked here.
 */
const KNOWN_MEMBERS: ReadonlySet<string> = new Set(
  [...Object.keys(ClientMetadataSchema.shape), 'scope'].filter((name) => !OPERATOR_MEMBERS.has(name)),
);

/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The `*_encrypted_response_enc` / `request_object_encryption_enc` default (Registration §2). */
const DEFAULT_ENC = 'A128CBC-HS256';

/** Private JWK members (RFC 7518 §6): a client must never send them. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_JWKS_KEYS = 20;

const isHmac = (alg: string | undefined) => alg !== undefined && (HMAC_ALGS as readonly string[]).includes(alg);
const words = (responseType: string) => responseType.split(' ');
/** The canonical spelling of a response type: its values sorted (OAuth MRT §1.2). */
export const canonicalResponseType = (value: string) => words(value).sort().join(' ');

/** Whether the OP accepts registrations at all in this configuration. */
export function registrationEnabled(registration: OpConfig['registration']): boolean {
  if (registration.mode === 'open') return true;
  return registration.mode === 'initial_access_token' && registration.initialAccessToken !== undefined;
}

/** The policy an OP's discovery document implies. An absent list allows nothing. */
export function registrationPolicy(discovery: DiscoveryMetadata): RegistrationPolicy {
  const list = (name: string): string[] => {
    const value = (discovery as Record<string, unknown>)[name];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  };
  return {
    responseTypes: list('response_types_supported').map(canonicalResponseType),
    grantTypes: list('grant_types_supported'),
    tokenEndpointAuthMethods: list('token_endpoint_auth_methods_supported'),
    tokenEndpointAuthSigningAlgs: list('token_endpoint_auth_signing_alg_values_supported'),
    idTokenSigningAlgs: list('id_token_signing_alg_values_supported'),
    idTokenEncryptionAlgs: list('id_token_encryption_alg_values_supported'),
    idTokenEncryptionEncs: list('id_token_encryption_enc_values_supported'),
    userinfoSigningAlgs: list('userinfo_signing_alg_values_supported'),
    userinfoEncryptionAlgs: list('userinfo_encryption_alg_values_supported'),
    userinfoEncryptionEncs: list('userinfo_encryption_enc_values_supported'),
    requestObjectSigningAlgs: list('request_object_signing_alg_values_supported'),
    requestObjectEncryptionAlgs: list('request_object_encryption_alg_values_supported'),
    requestObjectEncryptionEncs: list('request_object_encryption_enc_values_supported'),
    introspectionSigningAlgs: list('introspection_signing_alg_values_supported'),
    introspectionEncryptionAlgs: list('introspection_encryption_alg_values_supported'),
    introspectionEncryptionEncs: list('introspection_encryption_enc_values_supported'),
    subjectTypes: list('subject_types_supported'),
    allowInsecureLoopback: discovery.issuer.startsWith('http:'),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Known members only, `commands_uri` read as `command_endpoint`. */
function knownMembers(input: Record<string, unknown>): Record<string, unknown> {
  const normalized = normalizeClientMetadata(input);
  return Object.fromEntries(Object.entries(normalized).filter(([name]) => KNOWN_MEMBERS.has(name)));
}

function schemaProblem(input: Record<string, unknown>): Problem | { metadata: ClientMetadata } {
  const parsed = ClientMetadataSchema.safeParse(input);
  if (parsed.success) return { metadata: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const description = `${path || 'metadata'}: ${issue.message}`;
  return issue.path[0] === 'redirect_uris' ? redirectProblem(description) : metadataProblem(description);
}

function checkResponseAndGrantTypes(m: ClientMetadata, policy: RegistrationPolicy): Problem | undefined {
  for (const type of m.response_types) {
    if (!policy.responseTypes.includes(type)) return metadataProblem(`response_type "${type}" is not supported`);
  }
  for (const grant of m.grant_types) {
    if (!policy.grantTypes.includes(grant)) {
      return metadataProblem(
        grant === 'password'
          ? 'the password grant is not available through dynamic registration'
          : `grant_type "${grant}" is not supported`,
      );
    }
  }
  const usesCode = m.response_types.some((type) => words(type).includes('code'));
  const usesImplicit = m.response_types.some((type) => words(type).some((word) => word === 'token' || word === 'id_token'));
  if (usesCode && !m.grant_types.includes('authorization_code')) {
    return metadataProblem(
      'response_types with code need the authorization_code grant_type (response_types defaults to ["code"]: send [] for a client without a front channel)',
    );
  }
  if (usesImplicit && !m.grant_types.includes('implicit')) {
    return metadataProblem('response_types with token or id_token need the implicit grant_type');
  }
  if (m.grant_types.includes('authorization_code') && !usesCode) {
    return metadataProblem('grant_type authorization_code needs a response_type with code');
  }
  if (m.grant_types.includes('implicit') && !usesImplicit) {
    return metadataProblem('grant_type implicit needs a response_type with token or id_token');
  }
  return undefined;
}

function checkRedirectUris(m: ClientMetadata, policy: RegistrationPolicy): Problem | undefined {
  if (m.response_types.length > 0 && m.redirect_uris.length === 0) {
    return redirectProblem('redirect_uris is required for clients that use the authorization endpoint');
  }
  const context: RedirectUriContext = {
    applicationType: m.application_type,
    usesImplicit: m.response_types.some((type) => words(type).some((word) => word === 'token' || word === 'id_token')),
    confidential: m.token_endpoint_auth_method !== 'none',
    allowInsecureLoopback: policy.allowInsecureLoopback,
  };
  for (const uri of m.redirect_uris) {
    const problem = redirectUriProblem(uri, context);
    if (problem !== undefined) return redirectProblem(`redirect_uri ${uri} ${problem}`);
  }
  for (const uri of m.post_logout_redirect_uris ?? []) {
    const problem = redirectUriProblem(uri, { ...context, usesImplicit: false });
    if (problem !== undefined) return metadataProblem(`post_logout_redirect_uri ${uri} ${problem}`);
  }
  return undefined;
}

function checkAuthentication(m: ClientMetadata, policy: RegistrationPolicy): Problem | undefined {
  const method = m.token_endpoint_auth_method;
  if (!policy.tokenEndpointAuthMethods.includes(method)) {
    return metadataProblem(`token_endpoint_auth_method ${method} is not supported`);
  }
  if (method === 'none' && m.grant_types.includes('client_credentials')) {
    return metadataProblem('a public client (token_endpoint_auth_method none) cannot use client_credentials');
  }
  if (method === 'private_key_jwt' && m.jwks === undefined && m.jwks_uri === undefined) {
    return metadataProblem('private_key_jwt needs jwks or jwks_uri');
  }
  if (method === 'private_key_jwt' && m.jwks !== undefined && !m.jwks.keys.some((key) => key.use === undefined || key.use === 'sig')) {
    return metadataProblem('private_key_jwt needs a signing key (use sig, or no use) in jwks');
  }
  const signingAlg = m.token_endpoint_auth_signing_alg;
  if (signingAlg !== undefined) {
    if (method !== 'client_secret_jwt' && method !== 'private_key_jwt') {
      return metadataProblem('token_endpoint_auth_signing_alg is only for client_secret_jwt and private_key_jwt');
    }
    if (!policy.tokenEndpointAuthSigningAlgs.includes(signingAlg) || signingAlg === 'none') {
      return metadataProblem(`token_endpoint_auth_signing_alg ${signingAlg} is not supported`);
    }
    if ((method === 'client_secret_jwt') !== isHmac(signingAlg)) {
      return metadataProblem(`token_endpoint_auth_signing_alg ${signingAlg} does not fit ${method}`);
    }
  }
  return undefined;
}

function checkKeys(m: ClientMetadata, policy: RegistrationPolicy): Problem | undefined {
  if (m.jwks !== undefined && m.jwks_uri !== undefined) return metadataProblem('send jwks or jwks_uri, not both');
  if (m.jwks_uri !== undefined) {
    const problem = serviceUriProblem(m.jwks_uri, policy.allowInsecureLoopback);
    if (problem !== undefined) return metadataProblem(`jwks_uri ${problem}`);
  }
  if (m.jwks !== undefined) {
    if (m.jwks.keys.length === 0) return metadataProblem('jwks has no keys');
    if (m.jwks.keys.length > MAX_JWKS_KEYS) return metadataProblem(`jwks may hold at most ${MAX_JWKS_KEYS} keys`);
    for (const key of m.jwks.keys) {
      if (key.kty === 'oct') return metadataProblem('jwks must not contain symmetric keys');
      if (PRIVATE_JWK_MEMBERS.some((member) => member in key)) return metadataProblem('jwks must contain public keys only');
    }
  }
  return undefined;
}

interface AlgFamily {
  name: 'id_token' | 'userinfo' | 'request_object' | 'introspection';
  signed?: string;
  encAlg?: string;
  enc?: string;
  signingAlgs: readonly string[];
  encryptionAlgs: readonly string[];
  encryptionEncs: readonly string[];
}

function families(m: ClientMetadata, policy: RegistrationPolicy): AlgFamily[] {
  return [
    {
      name: 'id_token',
      signed: m.id_token_signed_response_alg,
      encAlg: m.id_token_encrypted_response_alg,
      enc: m.id_token_encrypted_response_enc,
      signingAlgs: policy.idTokenSigningAlgs,
      encryptionAlgs: policy.idTokenEncryptionAlgs,
      encryptionEncs: policy.idTokenEncryptionEncs,
    },
    {
      name: 'userinfo',
      signed: m.userinfo_signed_response_alg,
      encAlg: m.userinfo_encrypted_response_alg,
      enc: m.userinfo_encrypted_response_enc,
      signingAlgs: policy.userinfoSigningAlgs,
      encryptionAlgs: policy.userinfoEncryptionAlgs,
      encryptionEncs: policy.userinfoEncryptionEncs,
    },
    {
      name: 'introspection',
      signed: m.introspection_signed_response_alg,
      encAlg: m.introspection_encrypted_response_alg,
      enc: m.introspection_encrypted_response_enc,
      signingAlgs: policy.introspectionSigningAlgs ?? [],
      encryptionAlgs: policy.introspectionEncryptionAlgs ?? [],
      encryptionEncs: policy.introspectionEncryptionEncs ?? [],
    },
    {
      name: 'request_object',
      signed: m.request_object_signing_alg,
      encAlg: m.request_object_encryption_alg,
      enc: m.request_object_encryption_enc,
      signingAlgs: policy.requestObjectSigningAlgs,
      encryptionAlgs: policy.requestObjectEncryptionAlgs,
      encryptionEncs: policy.requestObjectEncryptionEncs,
    },
  ];
}

/** The wire names of a family's members. */
function memberNames(family: AlgFamily['name']) {
  return family === 'request_object'
    ? { signed: 'request_object_signing_alg', alg: 'request_object_encryption_alg', enc: 'request_object_encryption_enc' }
    : {
        signed: `${family}_signed_response_alg`,
        alg: `${family}_encrypted_response_alg`,
        enc: `${family}_encrypted_response_enc`,
      };
}

function checkAlgorithms(m: ClientMetadata, policy: RegistrationPolicy): Problem | undefined {
  for (const family of families(m, policy)) {
    const names = memberNames(family.name);
    if (family.signed !== undefined && !family.signingAlgs.includes(family.signed)) {
      return metadataProblem(`${names.signed} ${family.signed} is not supported`);
    }
    if (family.enc !== undefined && family.encAlg === undefined) {
      return metadataProblem(`${names.enc} needs ${names.alg}`);
    }
    if (family.encAlg === undefined) continue;
    if (!family.encryptionAlgs.includes(family.encAlg)) return metadataProblem(`${names.alg} ${family.encAlg} is not supported`);
    const enc = family.enc ?? DEFAULT_ENC;
    if (!family.encryptionEncs.includes(enc)) return metadataProblem(`${names.enc} ${enc} is not supported`);
    if (family.name === 'request_object') continue;
    // The OP encrypts to the client's key: the client must have one that fits.
    if (m.jwks === undefined && m.jwks_uri === undefined) return metadataProblem(`${names.alg} needs jwks or jwks_uri`);
    if (m.jwks !== undefined && isJweAlg(family.encAlg)) {
      try {
        selectEncryptionKey(m.jwks, family.encAlg);
      } catch {
        return metadataProblem(`jwks has no key that can be used for ${family.encAlg} (key type, curve, use enc)`);
      }
    }
  }
  const idTokenFromAuthorize = m.response_types.some((type) => words(type).includes('id_token'));
  if (m.id_token_signed_response_alg === 'none' && idTokenFromAuthorize) {
    return metadataProblem('id_token_signed_response_alg none is only allowed when no ID token comes from the authorization endpoint');
  }
  const hmacAlg = [
    m.id_token_signed_response_alg,
    m.userinfo_signed_response_alg,
    m.request_object_signing_alg,
  ].find(isHmac);
  if (hmacAlg !== undefined && m.token_endpoint_auth_method === 'none') {
    return metadataProblem(`${hmacAlg} uses the client secret, which a public client (token_endpoint_auth_method none) does not have`);
  }
  return undefined;
}

function checkOtherUris(m: ClientMetadata, policy: RegistrationPolicy): Problem | undefined {
  const checks: Array<[string, string | undefined, (value: string) => string | undefined]> = [
    ['backchannel_logout_uri', m.backchannel_logout_uri, (v) => serviceUriProblem(v, policy.allowInsecureLoopback)],
    ['command_endpoint', m.command_endpoint, (v) => serviceUriProblem(v, policy.allowInsecureLoopback)],
    ['frontchannel_logout_uri', m.frontchannel_logout_uri, (v) => frontchannelLogoutUriProblem(v, m.redirect_uris)],
    ['initiate_login_uri', m.initiate_login_uri, (v) => httpsUriProblem(v)],
    ['logo_uri', m.logo_uri, webPageUriProblem],
    ['client_uri', m.client_uri, webPageUriProblem],
    ['policy_uri', m.policy_uri, webPageUriProblem],
    ['tos_uri', m.tos_uri, webPageUriProblem],
    ...(m.request_uris ?? []).map(
      (uri): [string, string, (value: string) => string | undefined] => ['request_uri', uri, (v) => httpsUriProblem(v, { fragmentAllowed: true })],
    ),
  ];
  for (const [name, value, check] of checks) {
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) return metadataProblem(`${name} ${problem}`);
  }
  if (m.sector_identifier_uri !== undefined) {
    return metadataProblem('sector_identifier_uri is not supported: this OP issues public subject identifiers only');
  }
  if (m.subject_type !== undefined && !policy.subjectTypes.includes(m.subject_type)) {
    return metadataProblem(`subject_type ${m.subject_type} is not supported`);
  }
  return undefined;
}

/**
 * `scope` (RFC 7591 §2): space-separated scope tokens. Values beyond `scopes_supported` are
 * allowed (API scopes for client_credentials); the token endpoint decides what they grant.
 */
function checkScope(m: ClientMetadata): Problem | undefined {
  const scope = (m as { scope?: unknown }).scope;
  if (scope === undefined) return undefined;
  if (typeof scope !== 'string' || !scope.split(' ').every((value) => SCOPE_TOKEN.test(value))) {
    return metadataProblem('scope must be a string of space-separated scope values');
  }
  return undefined;
}

/** Defaults the specs give for members that depend on others. */
function withDefaults(m: ClientMetadata): ClientMetadata {
  const result: ClientMetadata = {
    ...m,
    response_types: [...new Set(m.response_types.map(canonicalResponseType))],
    grant_types: [...new Set(m.grant_types)],
  };
  if (result.id_token_encrypted_response_alg !== undefined) result.id_token_encrypted_response_enc ??= DEFAULT_ENC;
  if (result.userinfo_encrypted_response_alg !== undefined) result.userinfo_encrypted_response_enc ??= DEFAULT_ENC;
  if (result.request_object_encryption_alg !== undefined) result.request_object_encryption_enc ??= DEFAULT_ENC;
  if (result.introspection_encrypted_response_alg !== undefined) result.introspection_encrypted_response_enc ??= DEFAULT_ENC;
  return result;
}

/**
 * Validates a registration request's metadata (RFC 7591 §2–§3, OIDC Registration 1.0 §2) and
 * applies the defaults. Unknown members are dropped; `commands_uri` (OpenID Provider Commands
 * draft 00) is read as `command_endpoint`. The first problem found is reported, as
 * `invalid_redirect_uri` for redirect URIs and `invalid_client_metadata` for everything else.
 */
export function validateClientMetadata(input: unknown, policy: RegistrationPolicy): RegistrationResult {
  if (!isPlainObject(input)) return { ok: false, ...metadataProblem('the registration request must be a JSON object') };
  const parsed = schemaProblem(knownMembers(input));
  if (!('metadata' in parsed)) return { ok: false, ...parsed };
  const metadata = withDefaults(parsed.metadata);
  const checks: Array<(m: ClientMetadata, p: RegistrationPolicy) => Problem | undefined> = [
    checkResponseAndGrantTypes,
    checkRedirectUris,
    checkAuthentication,
    checkKeys,
    checkAlgorithms,
    checkOtherUris,
    checkScope,
  ];
  for (const check of checks) {
    const problem = check(metadata, policy);
    if (problem !== undefined) return { ok: false, ...problem };
  }
  const needsSecret =
    metadata.token_endpoint_auth_method.startsWith('client_secret_') ||
    [metadata.id_token_signed_response_alg, metadata.userinfo_signed_response_alg, metadata.request_object_signing_alg].some(isHmac);
  return { ok: true, metadata, needsSecret };
}
