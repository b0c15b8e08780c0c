import type { Stack } from '@oidc-ref/stack';
import { Browser, csrfFrom } from '@oidc-ref/test-kit';

/** Whether a page has a form whose action ends with `suffix` (e.g. `/otp`, `/login`). */
export function hasFormPostingTo(html: string, suffix: string): boolean {
  return [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].some((match) => match[1]!.endsWith(suffix));
}

/** The OP's password form: a form posting to `…/login` or any password field. */
export function hasPasswordForm(html: string): boolean {
  return hasFormPostingTo(html, '/login') || /<input[^>]*type="password"/i.test(html) || /name="password"/.test(html);
}

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#96;': '`' };
const unescapeHtml = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39|#96);/g, (entity) => ENTITIES[entity] ?? entity);

export interface AccountExport {
  account: { sub: string; email: string | null };
  tenant: { name: string };
  claims: { id_token?: Record<string, unknown> } | null;
}

/** The export document the RP's export page shows (pretty JSON in `<pre><code>`), or undefined. */
export function exportOnPage(html: string): AccountExport | undefined {
  const match = /<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html);
  return match ? (JSON.parse(unescapeHtml(match[1]!)) as AccountExport) : undefined;
}

/** The text of a `<dt>label</dt><dd>…</dd>` row, tags stripped. */
export function definition(html: string, label: string): string | undefined {
  const match = new RegExp(`<dt>${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</dt><dd>([\\s\\S]*?)</dd>`).exec(html);
  return match ? unescapeHtml(match[1]!.replace(/<[^>]+>/g, '')).trim() : undefined;
}

/** The value cell of the account page's ID token claims table for `claim`, tags stripped. */
export function claimOnAccountPage(html: string, claim: string): string | undefined {
  const match = new RegExp(`<th scope="row"><code>${claim}</code>[\\s\\S]*?</th><td>([\\s\\S]*?)</td>`).exec(html);
  return match ? unescapeHtml(match[1]!.replace(/<[^>]+>/g, '')).trim() : undefined;
}

/** Signs `user` in at the RP with their password: /login → OP login page → back on /account. */
export async function signInAtRp(stack: Stack, user: { email: string; password: string }, browser = new Browser()) {
  const start = await browser.get(`${stack.rpUrl}/login`);
  const atOp = await browser.follow(start, `${stack.rpUrl}/login`);
  const loginHtml = await atOp.response.text();
  expect(atOp.url).toMatch(new RegExp(`^${stack.opUrl}/interaction/`));
  const posted = await browser.postForm(`${atOp.url}/login`, { csrf: csrfFrom(loginHtml), email: user.email, password: user.password });
  expect(posted.status).toBe(303);
  const landed = await browser.follow(posted, `${atOp.url}/login`);
  expect(landed.url).toBe(`${stack.rpUrl}/account`);
  expect(landed.response.status).toBe(200);
  return { browser, accountHtml: await landed.response.text() };
}

/**
 * Opens the RP's "Export my data" page while it needs a step-up: asserts the RP redirects to
 * the OP's authorization endpoint, follows to the OP's page and returns the authorization
 * request and that page.
 */
export async function startExportStepUp(stack: Stack, browser: Browser) {
  const exportUrl = `${stack.rpUrl}/account/export`;
  const redirect = await browser.get(exportUrl);
  expect(redirect.status).toBe(303);
  const authorize = new URL(redirect.headers.get('location')!, exportUrl);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.opUrl}/authorize`);
  const atOp = await browser.follow(redirect, exportUrl);
  expect(atOp.url).toMatch(new RegExp(`^${stack.opUrl}/interaction/[^/]+$`));
  expect(atOp.response.status).toBe(200);
  return { authorize, interactionUrl: atOp.url, html: await atOp.response.text() };
}
