import { Router } from 'express';
import type { DiscoveryMetadata } from '@oidc-ref/token-schemas';
import type { AppDeps } from '../app.js';
import { SUPPORTED_RESPONSE_MODES, SUPPORTED_SCOPES } from '../authorize/checks.js';
import { REQUEST_OBJECT_SIGNING_ALGS } from '../authorize/request-object-checks.js';
import { FRONT_CHANNEL_GRANT_TYPES, SUPPORTED_RESPONSE_TYPES } from '../authorize/response-type.js';
import { TOKEN_ENDPOINT_AUTH_SIGNING_ALGS } from '../middleware/client-assertion.js';
import { publicCors } from '../middleware/cors.js';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../middleware/read-client-credentials.js';
import { DEFAULT_ACR_LEVELS } from '../authentication/levels.js';
import {
  CLIENT_ENCRYPTION_ALGS,
  CLIENT_ENCRYPTION_ENCS,
  ID_TOKEN_SIGNING_ALGS,
  USERINFO_SIGNING_ALGS,
} from '../services/client-jose.js';
import { registrationEnabled } from '../services/client-registration.js';
import { INTROSPECTION_SIGNING_ALGS } from '../services/introspect-token.js';
import { ADVERTISED_GRANT_TYPES } from './grants/index.js';

/**
 * OpenID Provider metadata (Discovery 1.0 §3). It states exactly what this OP does, nothing
 * more: where a metadata default would claim support we lack, the value is given explicitly.
 */
export function discoveryMetadata(
  issuer: string,
  options: { registrationEndpoint?: boolean; acrValues?: readonly string[] } = {},
): DiscoveryMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
    ...(options.registrationEndpoint === true && { registration_endpoint: `${issuer}/register` }),
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: [...SUPPORTED_RESPONSE_TYPES],
    response_modes_supported: [...SUPPORTED_RESPONSE_MODES],
    grant_types_supported: [...ADVERTISED_GRANT_TYPES, ...FRONT_CHANNEL_GRANT_TYPES],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...ID_TOKEN_SIGNING_ALGS],
    id_token_encryption_alg_values_supported: [...CLIENT_ENCRYPTION_ALGS],
    id_token_encryption_enc_values_supported: [...CLIENT_ENCRYPTION_ENCS],
    userinfo_signing_alg_values_supported: [...USERINFO_SIGNING_ALGS],
    userinfo_encryption_alg_values_supported: [...CLIENT_ENCRYPTION_ALGS],
    userinfo_encryption_enc_values_supported: [...CLIENT_ENCRYPTION_ENCS],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...TOKEN_ENDPOINT_AUTH_SIGNING_ALGS],
    // Introspection: confidential clients only; revocation: public clients too (RFC 7009 §2.1).
    introspection_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS.filter((method) => method !== 'none'),
    introspection_endpoint_auth_signing_alg_values_supported: [...TOKEN_ENDPOINT_AUTH_SIGNING_ALGS],
    introspection_signing_alg_values_supported: [...INTROSPECTION_SIGNING_ALGS],
    introspection_encryption_alg_values_supported: [...CLIENT_ENCRYPTION_ALGS],
    introspection_encryption_enc_values_supported: [...CLIENT_ENCRYPTION_ENCS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...TOKEN_ENDPOINT_AUTH_SIGNING_ALGS],
    code_challenge_methods_supported: ['S256'],
    acr_values_supported: [...(options.acrValues ?? DEFAULT_ACR_LEVELS.map((level) => level.acr))],
    claims_supported: [
      'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'sid', 'at_hash', 'c_hash', 's_hash',
      'name', 'email', 'email_verified', 'tenant', 'tenant_name',
    ],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: [...REQUEST_OBJECT_SIGNING_ALGS],
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    // Logout (docs/logout.md): RP-Initiated, Back-Channel and Front-Channel Logout 1.0.
    end_session_endpoint: `${issuer}/session/end`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  };
}

export function discoveryRoute(deps: AppDeps): Router {
  const router = Router();
  const metadata = discoveryMetadata(deps.config.issuer, {
    registrationEndpoint: registrationEnabled(deps.config.registration),
    acrValues: deps.acrLevels.map((level) => level.acr),
  });
  router.get('/.well-known/openid-configuration', publicCors, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(metadata);
  });
  return router;
}
