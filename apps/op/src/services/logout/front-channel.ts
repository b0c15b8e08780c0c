import type { ClientRecord } from '../../repositories/client-repository.js';

/**
 * The iframe URL of a client's `frontchannel_logout_uri` (Front-Channel Logout 1.0 §2, §3):
 * with `iss` and `sid` (both, never one) when it registered
 * `frontchannel_logout_session_required`, keeping any query it registered. Undefined for a
 * client without one.
 *
 * @example
 * frontchannelLogoutUrl(client, 'https://op.example', session.id); // https://rp.example/fc?iss=…&sid=…
 */
export function frontchannelLogoutUrl(client: ClientRecord, issuer: string, sid: string): string | undefined {
  const uri = client.metadata.frontchannel_logout_uri;
  if (uri === undefined) return undefined;
  if (!client.metadata.frontchannel_logout_session_required) return uri;
  const url = new URL(uri);
  url.searchParams.set('iss', issuer);
  url.searchParams.set('sid', sid);
  return url.toString();
}

/** The post-logout redirect (RP-Initiated Logout §3): the registered URI with `state` added, keeping its query. */
export function postLogoutRedirectUrl(uri: string, state: string | undefined): string {
  if (state === undefined) return uri;
  const url = new URL(uri);
  url.searchParams.set('state', state);
  return url.toString();
}
