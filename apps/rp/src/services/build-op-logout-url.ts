import * as client from 'openid-client';

import type { RpConfig } from '../config.js';
import { AppError } from '../errors.js';
import { logoutUrls } from '../lib/logout-urls.js';
import { randomToken } from '../lib/tokens.js';
import type { OidcClient } from './oidc-client.js';

export interface BuildOpLogoutUrlOptions {
  oidc: OidcClient;
  config: Pick<RpConfig, 'baseUrl'>;
  /** The session's ID token, sent as `id_token_hint`. */
  idToken: string;
}

/**
 * RP-Initiated Logout 1.0 §2: the OP's `end_session_endpoint` (from discovery) with
 * `id_token_hint`, `post_logout_redirect_uri` = `${RP_BASE_URL}/signed-out`, a fresh `state`
 * and `client_id` (added by openid-client). The caller keeps `state` to check it on return.
 * Throws `op_unavailable` when discovery fails or the OP has no `end_session_endpoint`.
 */
export async function buildOpLogoutUrl({ oidc, config, idToken }: BuildOpLogoutUrlOptions): Promise<{ url: string; state: string }> {
  const configuration = await oidc.getConfiguration();
  const state = randomToken();
  try {
    const url = client.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: logoutUrls(config.baseUrl).postLogoutRedirect,
      state,
    });
    return { url: url.href, state };
  } catch (error) {
    throw new AppError('op_unavailable', { detail: 'the OP publishes no end_session_endpoint', cause: error });
  }
}
