import { html } from '../lib/html.js';

/**
 * The tiny page the OP loads in an iframe (Front-Channel Logout 1.0 §2): no styles, no scripts,
 * nothing to fetch, so its CSP can be `default-src 'none'`.
 */
export function frontchannelLogoutPage({ ended }: { ended: boolean }): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Signed out · Sample RP</title></head>
<body><p>${ended ? 'Signed out of Sample RP.' : 'No Sample RP session to end.'}</p></body>
</html>
`.value;
}
