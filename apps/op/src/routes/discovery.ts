import { Router } from 'express';
import type { DiscoveryMetadata } from '@oidc-ref/token-schemas';
import type { AppDeps } from '../app.js';
import { SUPPORTED_RESPONSE_MODES, SUPPORTED_SCOPES } from '../authorize/checks.js';
import { publicCors } from '../middleware/cors.js';
import { ACR_PASSWORD } from '../services/browser-session.js';
import { ID_TOKEN_ALG } from '../services/keys.js';

/**
 * OpenID Provider metadata (Discovery 1.0 §3). It states exactly what this OP does, nothing
 * more: where a metadata default would claim support we lack, the value is given explicitly.
 */
export function discoveryMetadata(issuer: string): DiscoveryMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: [...SUPPORTED_RESPONSE_MODES],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ID_TOKEN_ALG],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    acr_values_supported: [ACR_PASSWORD],
    claims_supported: [
      'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'sid', 'at_hash',
      'name', 'email', 'email_verified', 'tenant', 'tenant_name',
    ],
    claim_types_supported: ['normal'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
  };
}

export function discoveryRoute(deps: AppDeps): Router {
  const router = Router();
  const metadata = discoveryMetadata(deps.config.issuer);
  router.get('/.well-known/openid-configuration', publicCors, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(metadata);
  });
  return router;
}
