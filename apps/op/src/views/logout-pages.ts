import { html, Raw } from './html.js';
import { layout } from './layout.js';

export interface ConfirmLogoutPageInput {
  csrfToken: string;
  userEmail: string;
  /** The application that asked, when the request named one. */
  clientName?: string;
  /** Carried to the confirmation POST, which checks them again. */
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

/**
 * "Sign out?" (RP-Initiated Logout §2, §6): asked when the request cannot be trusted (no valid
 * id_token_hint, or one for another user or session). The form posts to the OP only, with a
 * CSRF token bound to the browser session.
 */
export function confirmLogoutPage(input: ConfirmLogoutPageInput): string {
  return layout(
    'Sign out',
    html`<h1>Sign out?</h1>
<p class="sub">Signed in as <strong>${input.userEmail}</strong></p>
<p>${
      // A request that names no client comes from the user (or an unknown page), not from an app.
      input.clientId === undefined ? 'Do you want to sign out?' : html`${input.clientName ?? 'An application'} asked to sign you out.`
    } Signing out here also signs you out of every application you signed in to with this account.</p>
<form method="post" action="/session/end/confirm">
<input type="hidden" name="csrf" value="${input.csrfToken}">
${input.clientId === undefined ? '' : html`<input type="hidden" name="client_id" value="${input.clientId}">\n`}${
      input.postLogoutRedirectUri === undefined ? '' : html`<input type="hidden" name="post_logout_redirect_uri" value="${input.postLogoutRedirectUri}">\n`
    }${input.state === undefined ? '' : html`<input type="hidden" name="state" value="${input.state}">\n`}<button type="submit" name="decision" value="logout">Sign out</button>
<button type="submit" name="decision" value="stay" class="secondary">Stay signed in</button>
</form>`,
  );
}

export interface LoggedOutPageInput {
  /** One hidden iframe per `frontchannel_logout_uri` (Front-Channel Logout §3). */
  frames: string[];
  /** The post-logout redirect (with `state`), when the request had a valid one. */
  continueTo?: string;
  /** The CSP nonce of the script that continues once the iframes loaded. */
  nonce: string;
  /** Milliseconds to wait for slow iframes before continuing anyway. */
  frameTimeoutMs: number;
}

/**
 * "You are signed out": renders the front-channel iframes (they load in parallel) and, when
 * there is a post-logout redirect, continues to it once every iframe loaded (or after
 * `frameTimeoutMs`), with a link for browsers without JavaScript (`id="continue"`).
 */
export function loggedOutPage(input: LoggedOutPageInput): string {
  const script =
    input.continueTo === undefined
      ? ''
      : html`<script nonce="${input.nonce}">(function(){var t=${new Raw(scriptString(input.continueTo))},f=document.querySelectorAll('iframe.fc'),n=f.length,d=false;function go(){if(!d){d=true;location.replace(t);}}if(n===0){go();return;}f.forEach(function(e){e.addEventListener('load',function(){if(--n===0)go();});});setTimeout(go,${input.frameTimeoutMs});})();</script>`;
  return layout(
    'Signed out',
    html`<h1>You are signed out</h1>
<p class="sub">You have been signed out of this identity provider${input.frames.length > 0 ? ' and the applications you used' : ''}.</p>
${input.continueTo === undefined ? html`<p>You can close this window.</p>` : html`<p><a id="continue" href="${input.continueTo}">Continue to the application</a></p>`}
${input.frames.map((src) => html`<iframe class="fc" src="${src}" title="Signing out of an application" width="0" height="0" style="display:none;border:0"></iframe>\n`)}${script}`,
  );
}

/** The user chose to stay signed in and there is nowhere to return to. */
export function stillSignedInPage(): string {
  return layout('Still signed in', html`<h1>You are still signed in</h1><p class="sub">Nothing was changed. You can close this window.</p>`);
}

/** A JSON string literal safe inside a <script> element (no `</script>`, no U+2028/2029). */
function scriptString(value: string): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
