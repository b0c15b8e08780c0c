import { timingSafeEqualString } from '@oidc-ref/crypto';
import type { ClientRecord, ClientRepository } from '../repositories/client-repository.js';
import type { TokenForm } from '../routes/token-form.js';
import type { ClientKeys } from '../services/client-keys.js';
import { verifyClientAssertion, type AssertionReplayGuard } from './client-assertion.js';
import { authenticationFailed, readClientCredentials } from './read-client-credentials.js';

export interface ClientAuthDeps {
  clients: ClientRepository;
  clientKeys: ClientKeys;
  replay: AssertionReplayGuard;
  issuer: string;
  now: Date;
}

/**
 * Authenticates the client of a token request (OIDC Core §9, RFC 6749 §2.3) with one client
 * lookup: exactly one method, and it must be the client's registered
 * `token_endpoint_auth_method`. Secrets are compared in constant time. Every failure is
 * `401 invalid_client` with the same description; the reason is logged (`detail`), not sent.
 */
export async function authenticateClient(
  authorization: string | undefined,
  form: TokenForm,
  deps: ClientAuthDeps,
): Promise<ClientRecord> {
  const credentials = readClientCredentials(authorization, form);
  const client = await deps.clients.findById(credentials.clientId);
  if (!client) throw authenticationFailed('unknown client');
  if (client.tokenEndpointAuthMethod !== credentials.method) {
    throw authenticationFailed(`used ${credentials.method}, registered ${client.tokenEndpointAuthMethod}`, client.id);
  }
  switch (credentials.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      if (client.secret === null || !timingSafeEqualString(credentials.clientSecret, client.secret)) {
        throw authenticationFailed('wrong client secret', client.id);
      }
      break;
    case 'client_secret_jwt':
    case 'private_key_jwt':
      await verifyClientAssertion(deps, client, credentials);
      break;
    case 'none':
      break;
  }
  // With Basic or an assertion, a client_id in the body is optional but must name the same client.
  if (form.client_id !== undefined && form.client_id !== client.id) {
    throw authenticationFailed('client_id does not match the authenticated client', client.id);
  }
  return client;
}
