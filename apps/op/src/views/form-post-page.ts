import { html } from './html.js';

export interface FormPostPageInput {
  /** The redirect URI the form posts to. */
  action: string;
  params: Record<string, string>;
  /** The CSP nonce that allows the auto-submit script, and nothing else. */
  nonce: string;
}

/**
 * The OAuth 2.0 Form Post Response Mode page (§2): a form with one hidden input per response
 * parameter, submitted by a script as soon as it loads, with a button for browsers without
 * JavaScript. Every value is HTML-escaped.
 */
export function formPostPage(input: FormPostPageInput): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Returning to the application · oidc-ref OP</title>
</head>
<body>
<form method="post" action="${input.action}">
${Object.entries(input.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<noscript><p>JavaScript is off: continue to the application with the button.</p><button type="submit">Continue</button></noscript>
</form>
<script nonce="${input.nonce}">document.forms[0].submit();</script>
</body>
</html>`.value;
}
