import { html } from '../html.js';
import { consoleLayout } from './console-layout.js';

/** The console's sign-in form: the operator types the OP's admin token (`OP_ADMIN_TOKEN`). */
export function consoleSignInPage(input: { error?: string } = {}): string {
  return consoleLayout({
    title: 'Sign in',
    body: html`<h1>Admin console</h1>
<p class="sub">Sign in with the OP's admin token (<code>OP_ADMIN_TOKEN</code>).</p>
${input.error === undefined ? '' : html`<p class="error" role="alert">${input.error}</p>`}
<form class="sign-in" method="post" action="/admin/console/sign-in">
<label for="token">Admin token</label>
<input type="password" id="token" name="token" autocomplete="off" required>
<button type="submit">Sign in</button>
</form>`,
  });
}
