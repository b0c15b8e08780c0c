import type { OAuthError } from '../errors.js';
import { html } from './html.js';
import { layout } from './layout.js';

/** The page for errors that must not be redirected to a client. */
export function errorPage(err: OAuthError): string {
  return layout(
    'Something went wrong',
    html`<h1>This request cannot be completed</h1>
<p class="sub">The application sent a request the identity provider cannot accept.</p>
<div class="error" role="alert"><strong><code>${err.error}</code></strong><br>${err.error_description}</div>
<p>Go back to the application and try again. If this keeps happening, contact its administrator.</p>`,
  );
}
