import { html } from '../lib/html.js';
import { layout } from './layout.js';

export interface ErrorPageOptions {
  title: string;
  message: string;
  /** The RP's error code. */
  code: string;
  /** The OP's error, when the identity provider reported one. */
  opError?: { error: string; error_description?: string | undefined } | undefined;
  /** "Try again" link: a same-site path, `null` for none; by default `/login` after a failed sign-in. */
  retryPath?: string | null | undefined;
}

const SIGN_IN_FAILURES = new Set(['login_expired', 'op_error', 'op_unavailable', 'sign_in_failed']);
/** Step-up failures that keep the session: the way back is the account page. */
const STEP_UP_FAILURES = new Set(['step_up_failed', 'step_up_unmet', 'step_up_interaction_required']);

function retryLink(code: string, retryPath: string | null | undefined) {
  if (retryPath === null) return '';
  if (retryPath !== undefined) return html`<a class="button" href="${retryPath}">Try again</a> `;
  if (SIGN_IN_FAILURES.has(code)) return html`<a class="button" href="/login">Try again</a> `;
  if (code === 'step_up_wrong_user' || code === 'unauthenticated') return html`<a class="button" href="/login">Sign in</a> `;
  return '';
}

/** A plain error page: what happened, the code(s), and a way back. Never a stack trace. */
export function errorPage({ title, message, code, opError, retryPath }: ErrorPageOptions): string {
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
<p>${retryLink(code, retryPath)}${
  STEP_UP_FAILURES.has(code)
    ? html`<a class="button secondary" href="/account">Back to your account</a>`
    : html`<a class="button secondary" href="/">Home</a>`
}</p>
</section>`;
  return layout({ title, body });
}
