import { html } from '../lib/html.js';
import { layout } from './layout.js';

/**
 * - `everywhere`: the OP came back with the `state` this browser sent: signed out here and at the OP.
 * - `state_mismatch`: `/signed-out` was reached without the matching `state`, so the RP cannot
 *   tell whether the OP signed you out.
 * - `local_only`: signed out here, but the OP could not be asked (unreachable, or no logout endpoint).
 */
export type SignedOutOutcome = 'everywhere' | 'state_mismatch' | 'local_only';

/** The post-logout page (`post_logout_redirect_uri`) and the fallback when the OP cannot be reached. */
export function signedOutPage({ outcome }: { outcome: SignedOutOutcome }): string {
  const body =
    outcome === 'everywhere'
      ? html`<section class="card">
<h1>You are signed out</h1>
<p>You are signed out of this app and of your identity provider.</p>
<p><a class="button" href="/login">Sign in again</a> <a class="button secondary" href="/">Home</a></p>
</section>`
      : outcome === 'local_only'
        ? html`<section class="card error">
<h1>Signed out of this app only</h1>
<p>You are signed out of this app, but your identity provider could not be reached to end your session there. You may still be signed in to it and to other apps: sign out there too, or close your browser.</p>
<p><a class="button secondary" href="/">Home</a></p>
</section>`
        : html`<section class="card error">
<h1>Sign-out could not be confirmed</h1>
<p>This sign-out confirmation does not match a sign-out started from this browser (it expired, was already used, or came from somewhere else), so this app cannot confirm that your identity provider signed you out. If you used "Sign out everywhere", you are signed out of this app; check with your identity provider that you are signed out there too.</p>
<p><a class="button secondary" href="/">Home</a></p>
</section>`;
  const title = outcome === 'everywhere' ? 'Signed out' : outcome === 'local_only' ? 'Signed out of this app only' : 'Sign-out not confirmed';
  return layout({ title, body });
}
