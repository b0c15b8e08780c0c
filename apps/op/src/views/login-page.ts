import { html } from './html.js';
import { layout } from './layout.js';

export interface LoginPageInput {
  interactionId: string;
  csrfToken: string;
  clientName: string;
  email?: string;
  error?: string;
}

export function loginPage(input: LoginPageInput): string {
  const base = `/interaction/${encodeURIComponent(input.interactionId)}`;
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p class="sub">to continue to <strong>${input.clientName}</strong></p>
${input.error ? html`<div class="error" role="alert">${input.error}</div>` : ''}
<form method="post" action="${base}/login">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${input.email ?? ''}" ${input.email ? '' : 'autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required ${input.email ? 'autofocus' : ''}>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${base}/abort" class="cancel">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<button type="submit" class="secondary">Cancel</button>
</form>`,
  );
}
