import { cachedJwks } from '@oidc-ref/rp-kit';
import type { JsonWebKeySet, JwksLoader } from '@oidc-ref/rp-kit';

import { AppError } from '../errors.js';
import type { OidcClient } from './oidc-client.js';

/**
 * The OP's JWKS from its discovered `jwks_uri`, cached by rp-kit's `cachedJwks` (reloaded on an
 * unknown `kid` at most every 30 s). An unreachable OP or a bad answer is `op_unavailable`
 * (503): the OP retries a back-channel logout after a 5xx.
 */
export function createOpJwks({ oidc, timeoutSeconds = 10 }: { oidc: OidcClient; timeoutSeconds?: number }): JwksLoader {
  return cachedJwks(async () => {
    const configuration = await oidc.getConfiguration();
    const jwksUri = configuration.serverMetadata().jwks_uri;
    if (jwksUri === undefined) throw new AppError('op_unavailable', { detail: 'the OP publishes no jwks_uri' });
    let response: Response;
    try {
      response = await fetch(jwksUri, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    } catch (error) {
      throw new AppError('op_unavailable', { detail: 'the OP jwks_uri could not be reached', cause: error });
    }
    if (!response.ok) throw new AppError('op_unavailable', { detail: `the OP jwks_uri answered ${response.status}` });
    return (await response.json()) as JsonWebKeySet;
  });
}
