// An expired id_token_hint is still a valid hint (OIDC Core §3.1.2.1; step-up digest §1): shown
// end to end with ID tokens the OP really issued. Waiting out the default hour is not an option,
// so this file's stack runs the OP with one-second ID tokens (OP_ID_TOKEN_TTL_SECONDS=1); the
// RP still accepts them on arrival (openid-client allows 30 s of clock tolerance) and keeps them
// in its session, so by the time alice exports her data the hint it sends has expired.
import type { Stack } from '@oidc-ref/stack';
import { Browser, csrfFrom } from '@oidc-ref/test-kit';
import { ACR_MFA, ALICE, authorizationResponse, authorizeUrl, exchangeCode, idTokenFromOp, jwtPayload, pkce, totpCode } from './helpers/oidc.js';
import { claimOnAccountPage, definition, exportOnPage, hasFormPostingTo, hasPasswordForm, signInAtRp, startExportStepUp } from './helpers/pages.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ env: { OP_ID_TOKEN_TTL_SECONDS: '1' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Waits until a token has expired: the current time is past its `exp` (RFC 7519 §4.1.4). */
async function waitUntilExpired(idToken: string) {
  const exp = jwtPayload(idToken).exp as number;
  const wait = exp * 1000 + 250 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
  expect(Date.now() / 1000).toBeGreaterThan(exp);
}

it('answers prompt=none silently for the session user named by an expired hint', async () => {
  const alice = new Browser();
  const hint = await idTokenFromOp(stack, alice, ALICE);
  const { iat, exp } = jwtPayload(hint) as { iat: number; exp: number };
  expect(exp - iat).toBe(1);
  await waitUntilExpired(hint);

  const code = pkce();
  const url = authorizeUrl(stack, { prompt: 'none', id_token_hint: hint }, code);
  const answer = authorizationResponse(stack, await alice.get(url), url);
  expect(answer.get('error')).toBeNull();
  const tokens = await exchangeCode(stack, answer.get('code')!, code);
  expect(jwtPayload(tokens.id_token).sub).toBe(jwtPayload(hint).sub);
});

it("steps alice up at the RP with the session's expired ID token as the hint", async () => {
  const { browser, accountHtml } = await signInAtRp(stack, ALICE);
  const sub = claimOnAccountPage(accountHtml, 'sub');

  // The RP sends the ID token its session holds; wait until that one has expired.
  const peek = await browser.get(`${stack.rpUrl}/account/export`);
  const hint = new URL(peek.headers.get('location')!).searchParams.get('id_token_hint')!;
  await waitUntilExpired(hint);

  const { authorize, interactionUrl, html } = await startExportStepUp(stack, browser);
  const sent = jwtPayload(authorize.searchParams.get('id_token_hint')!);
  expect(sent.sub).toBe(sub);
  expect(sent.exp as number).toBeLessThan(Date.now() / 1000);

  // Not an error and not the password form: the OP took the hint and asks only for the code.
  expect(hasFormPostingTo(html, '/otp')).toBe(true);
  expect(hasPasswordForm(html)).toBe(false);
  const posted = await browser.postForm(`${interactionUrl}/otp`, { csrf: csrfFrom(html), code: await totpCode(ALICE.totpSecret) });
  expect(posted.status).toBe(303);
  const landed = await browser.follow(posted, `${interactionUrl}/otp`);
  expect(landed.url).toBe(`${stack.rpUrl}/account/export`);
  expect(landed.response.status).toBe(200);
  const page = await landed.response.text();
  expect(definition(page, 'Authentication context (acr)')).toBe(ACR_MFA);
  expect(exportOnPage(page)?.account).toMatchObject({ sub, email: ALICE.email });
});
