import type { ClientRecord } from '../repositories/client-repository.js';
import { encryptForClient, signForClient } from './client-jose.js';
import type { ClientKeys } from './client-keys.js';
import type { KeyService } from './keys.js';

export type UserinfoResponse = { type: 'json'; body: Record<string, unknown> } | { type: 'jwt'; body: string };

export interface UserinfoResponseDeps {
  config: { issuer: string };
  keys: KeyService;
  clientKeys: ClientKeys;
}

/**
 * The UserInfo response as the client registered it (OIDC Core §5.3.2, Registration §2): plain
 * JSON by default; with `userinfo_signed_response_alg`, a JWS whose claims gain `iss` (the OP)
 * and `aud` (the client); with `userinfo_encrypted_response_alg`, a JWE: nested around the JWS
 * when both are registered, or around the bare claims when only encryption is.
 */
export async function formatUserinfo(
  deps: UserinfoResponseDeps,
  client: ClientRecord,
  claims: Record<string, unknown>,
): Promise<UserinfoResponse> {
  const { userinfo_signed_response_alg: signAlg, userinfo_encrypted_response_alg: encAlg } = client.metadata;
  if (signAlg === undefined && encAlg === undefined) return { type: 'json', body: claims };
  const content =
    signAlg === undefined
      ? claims
      : await signForClient(deps.keys, client, signAlg, { ...claims, iss: deps.config.issuer, aud: client.id });
  if (encAlg === undefined) return { type: 'jwt', body: content as string };
  const jwe = await encryptForClient(deps.clientKeys, client, content, encAlg, client.metadata.userinfo_encrypted_response_enc);
  return { type: 'jwt', body: jwe };
}
