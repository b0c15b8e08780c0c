/**
 * The RP's logout URLs, derived from `RP_BASE_URL`. They are what the OP must register for the
 * client: `backchannel_logout_uri`, `frontchannel_logout_uri` (with
 * `frontchannel_logout_session_required: true`) and one of `post_logout_redirect_uris`.
 *
 * @example
 * logoutUrls('https://rp.example'); // { backchannel: 'https://rp.example/backchannel-logout', … }
 */
export function logoutUrls(baseUrl: string): { backchannel: string; frontchannel: string; postLogoutRedirect: string } {
  return {
    backchannel: `${baseUrl}/backchannel-logout`,
    frontchannel: `${baseUrl}/frontchannel-logout`,
    postLogoutRedirect: `${baseUrl}/signed-out`,
  };
}
