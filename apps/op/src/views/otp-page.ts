import { html } from './html.js';
import { layout } from './layout.js';

export interface OtpPageInput {
  interactionId: string;
  csrfToken: string;
  clientName: string;
  userEmail: string;
  error?: string;
}

/** The second factor of a step-up: only the one-time code is asked, never the password again. */
export function otpPage(input: OtpPageInput): string {
  const base = `/interaction/${encodeURIComponent(input.interactionId)}`;
  return layout(
    'Verification code',
    html`<h1>Enter your verification code</h1>
<p class="sub"><strong>${input.clientName}</strong> needs a stronger sign-in for <strong>${input.userEmail}</strong>.</p>
${input.error ? html`<div class="error" role="alert">${input.error}</div>` : ''}
<form method="post" action="${base}/otp">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<label for="code">6-digit code from your authenticator app</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus>
<button type="submit">Verify</button>
</form>
<form method="post" action="${base}/abort" class="cancel">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<button type="submit" class="secondary">Cancel</button>
</form>`,
  );
}
