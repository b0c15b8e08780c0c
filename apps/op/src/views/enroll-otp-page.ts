import { html } from './html.js';
import { layout } from './layout.js';

export interface EnrollOtpPageInput {
  interactionId: string;
  csrfToken: string;
  clientName: string;
  userEmail: string;
  secret: string;
  otpauthUri: string;
  error?: string;
}

/** Offered when a requested level needs a one-time code the account does not have yet. */
export function enrollOtpPage(input: EnrollOtpPageInput): string {
  const base = `/interaction/${encodeURIComponent(input.interactionId)}`;
  const grouped = input.secret.replace(/(.{4})/g, '$1 ').trim();
  return layout(
    'Set up a second factor',
    html`<h1>Set up a second factor</h1>
<p class="sub"><strong>${input.clientName}</strong> needs a sign-in with a one-time code, which <strong>${input.userEmail}</strong> has not set up yet.</p>
${input.error ? html`<div class="error" role="alert">${input.error}</div>` : ''}
<p>Add this key to your authenticator app (time-based, 6 digits, 30 seconds):</p>
<p><code data-testid="totp-secret">${grouped}</code></p>
<p><a href="${input.otpauthUri}">Open in an authenticator app</a></p>
<form method="post" action="${base}/enroll-otp">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<label for="code">Then enter the code it shows</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus>
<button type="submit">Confirm</button>
</form>
<form method="post" action="${base}/enroll-otp/decline" class="cancel">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<button type="submit" class="secondary">Not now</button>
</form>`,
  );
}
