import { html } from '../lib/html.js';
import { layout } from './layout.js';

export interface ErrorPageOptions {
  title: string;
  message: string;
  /** The RP's error code. */
  code: string;
  /** The OP's error, when the identity provider reported one. */
  opError?: { error: string; error_description?: string | undefined } | undefined;
}

/** A plain error page: what happened, the code(s), and a way back. Never a stack trace. */
export function errorPage({ title, message, code, opError }: ErrorPageOptions): string {
  const retry = code === 'login_expired' || code === 'op_error' || code === 'op_unavailable' || code === 'sign_in_failed';
  const body = html`<section class="card error">
<h1>${title}</h1>
<p>${message}</p>
${
  opError
    ? html`<dl>
<dt>Error code</dt><dd><code>${opError.error}</code></dd>
${opError.error_description ? html`<dt>Description</dt><dd>${opError.error_description}</dd>` : ''}
</dl>`
    : html`<p class="muted">Error code: <code>${code}</code></p>`
}
<p>${retry ? html`<a class="button" href="/login">Try again</a> ` : ''}<a class="button secondary" href="/">Home</a></p>
</section>`;
  return layout({ title, body });
}
