import { html } from './html.js';
import { layout } from './layout.js';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (your account identifier and organisation)',
  profile: 'See your name',
  email: 'See your email address',
  address: 'See your postal address',
  phone: 'See your phone number',
  offline_access: 'Keep access while you are not using it (offline access)',
};

export interface ConsentPageInput {
  interactionId: string;
  csrfToken: string;
  clientName: string;
  userEmail: string;
  scopes: string[];
}

export function consentPage(input: ConsentPageInput): string {
  const base = `/interaction/${encodeURIComponent(input.interactionId)}`;
  return layout(
    'Allow access',
    html`<h1>Allow ${input.clientName}?</h1>
<p class="sub">Signed in as <strong>${input.userEmail}</strong></p>
<p>${input.clientName} would like to:</p>
<ul class="scopes">${input.scopes.map((scope) => html`<li>${SCOPE_TEXT[scope] ?? scope}</li>`)}</ul>
<form method="post" action="${base}/consent">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  );
}
