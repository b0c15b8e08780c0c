// Step-up across both apps (issue 4), over real HTTP: the RP's sensitive action ("export my
// data") and its RFC 9470 API challenge, the OP asking only for the missing factor, TOTP replay,
// enrolment, and the OP's id_token_hint / prompt=none / max_age rules.
//
// TOTP: each accepted code uses up its 30 s time step for that user, in this file's OP
// database. Only alice steps up with a code here (once); carol enrols her own secret; bob never
// completes a code. So no test waits for the next step, and no test depends on another's
// codes except the replay check, which replays the code of the step-up before it.
import type { Stack } from '@oidc-ref/stack';
import { Browser, csrfFrom } from '@oidc-ref/test-kit';
import {
  ACR_MFA,
  ACR_PWD,
  ALICE,
  BOB,
  CAROL,
  CLIENT_ID,
  authorizationResponse,
  authorizeUrl,
  bearerChallenge,
  exchangeCode,
  idTokenFromOp,
  jwtHeader,
  jwtPayload,
  pkce,
  reSignWithForeignKey,
  totpCode,
  totpStep,
} from './helpers/oidc.js';
import {
  claimOnAccountPage,
  definition,
  exportOnPage,
  hasFormPostingTo,
  hasPasswordForm,
  signInAtRp,
  startExportStepUp,
} from './helpers/pages.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const JSON_ACCEPT = { headers: { accept: 'application/json' } };
const HOST = '127.0.0.1';

/** The epoch seconds the account page shows for a time claim: "2026-… UTC (1790000000)". */
const epochOf = (cell: string | undefined) => Number(/\((\d+)\)/.exec(cell ?? '')?.[1]);
const amrOf = (cell: string | undefined) => (cell ?? '').split(',').map((value) => value.trim());

/** Follows redirects while they stay at the OP; returns the OP page, or the OP's answer to the client. */
async function followAtOp(browser: Browser, response: Response, from: string) {
  let current = response;
  let url = from;
  while (current.status >= 300 && current.status < 400) {
    const next = new URL(current.headers.get('location')!, url);
    if (next.origin !== stack.opUrl) return { leftOp: true as const, response: current, url };
    url = next.href;
    current = await browser.get(url);
  }
  return { leftOp: false as const, response: current, url, html: await current.text() };
}

describe('alice steps up with her one-time code only', () => {
  /** The code alice's step-up was accepted with, for the replay check. */
  let used: { code: string; step: number } | undefined;

  it('challenges the API, steps the page up at the OP with only a code, then exports', async () => {
    const { browser, accountHtml } = await signInAtRp(stack, ALICE);
    expect(claimOnAccountPage(accountHtml, 'acr')).toBe(ACR_PWD);
    expect(amrOf(claimOnAccountPage(accountHtml, 'amr'))).toEqual(['pwd']);
    const sub = claimOnAccountPage(accountHtml, 'sub')!;
    const sid = claimOnAccountPage(accountHtml, 'sid');
    expect(sub).toBeTruthy();
    expect(sid).toBeTruthy();
    const sessionBefore = browser.cookie(HOST, 'rp_session');

    // The JSON API answers the RFC 9470 challenge.
    const api = await browser.get(`${stack.rpUrl}/api/account/export`, JSON_ACCEPT);
    expect(api.status).toBe(401);
    const challenge = bearerChallenge(api.headers.get('www-authenticate'));
    expect(challenge.error).toBe('insufficient_user_authentication');
    expect(challenge.acr_values?.split(' ')[0]).toBe(ACR_MFA);
    expect(challenge.acr_values?.split(' ')).not.toContain(ACR_PWD);
    expect(challenge.max_age).toBe('300');
    expect(await api.json()).toMatchObject({ error: 'insufficient_user_authentication' });

    // The page handles the same challenge by stepping up: acr_values, max_age, id_token_hint.
    const { authorize, interactionUrl, html } = await startExportStepUp(stack, browser);
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('acr_values')).toBe(challenge.acr_values);
    expect(authorize.searchParams.get('max_age')).toBe(challenge.max_age);
    expect(authorize.searchParams.get('prompt')).toBeNull();
    const hint = authorize.searchParams.get('id_token_hint');
    expect(hint).toBeTruthy();
    const hinted = jwtPayload(hint!);
    expect(hinted).toMatchObject({ iss: stack.opUrl, sub, acr: ACR_PWD });
    expect([hinted.aud].flat()).toContain(CLIENT_ID);

    // The OP asks only for the code: no password form is served.
    expect(hasFormPostingTo(html, '/otp')).toBe(true);
    expect(hasPasswordForm(html)).toBe(false);
    expect(html).toContain(ALICE.email);

    const at = Date.now();
    const code = await totpCode(ALICE.totpSecret, at);
    const posted = await browser.postForm(`${interactionUrl}/otp`, { csrf: csrfFrom(html), code });
    expect(posted.status).toBe(303);
    used = { code, step: totpStep(at) };

    // Back at the RP, through its callback, on the export page.
    const landed = await browser.follow(posted, `${interactionUrl}/otp`);
    expect(landed.visited.some((url) => url.startsWith(`${stack.rpUrl}/callback?`))).toBe(true);
    expect(landed.url).toBe(`${stack.rpUrl}/account/export`);
    expect(landed.response.status).toBe(200);
    const page = await landed.response.text();
    expect(page).toContain('Your data');
    expect(definition(page, 'Authentication context (acr)')).toBe(ACR_MFA);
    expect(amrOf(definition(page, 'Methods (amr)'))).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    const exported = exportOnPage(page);
    expect(exported?.account).toMatchObject({ sub, email: ALICE.email });
    expect(exported?.tenant.name).toBe('Acme Corporation');
    expect(exported?.claims?.id_token).toMatchObject({ acr: ACR_MFA, sub });
    expect(exported?.claims?.id_token?.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));

    // A new RP session (no fixation); the API now answers 200 with the same authentication.
    expect(browser.cookie(HOST, 'rp_session')).toBeDefined();
    expect(browser.cookie(HOST, 'rp_session')).not.toBe(sessionBefore);
    const apiAfter = await browser.get(`${stack.rpUrl}/api/account/export`, JSON_ACCEPT);
    expect(apiAfter.status).toBe(200);
    const json = (await apiAfter.json()) as { account: { email: string }; claims: { id_token: Record<string, unknown> } };
    expect(json.account.email).toBe(ALICE.email);
    expect(json.claims.id_token).toMatchObject({ acr: ACR_MFA, sub });
    expect(json.claims.id_token.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));

    // The account page shows the session's new ID token: acr mfa, amr pwd+otp+mfa, a fresh
    // auth_time (the code's), the same OP session id.
    const account = await (await browser.get(`${stack.rpUrl}/account`)).text();
    expect(claimOnAccountPage(account, 'acr')).toBe(ACR_MFA);
    expect(amrOf(claimOnAccountPage(account, 'amr'))).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(epochOf(claimOnAccountPage(account, 'auth_time'))).toBeGreaterThanOrEqual(Math.floor(at / 1000) - 1);
    expect(claimOnAccountPage(account, 'sub')).toBe(sub);
    expect(claimOnAccountPage(account, 'sid')).toBe(sid);
  });

  it('refuses the same code in a second step-up, from a fresh browser after a password login', async () => {
    if (!used) throw new Error('needs the code accepted by the previous test');
    const { browser } = await signInAtRp(stack, ALICE);
    const { interactionUrl, html } = await startExportStepUp(stack, browser);
    expect(hasFormPostingTo(html, '/otp')).toBe(true);
    expect(hasPasswordForm(html)).toBe(false);

    // Still inside the OP's window (one step either side): only the replay guard can refuse it.
    expect(totpStep() - used.step).toBeLessThanOrEqual(1);
    const replay = await browser.postForm(`${interactionUrl}/otp`, { csrf: csrfFrom(html), code: used.code });
    expect(replay.status).toBe(401);
    const refused = await replay.text();
    expect(refused).toContain('already used');
    expect(hasFormPostingTo(refused, '/otp')).toBe(true);
    expect(hasPasswordForm(refused)).toBe(false);

    // Nothing reached the RP: its session is still at the password level.
    const api = await browser.get(`${stack.rpUrl}/api/account/export`, JSON_ACCEPT);
    expect(api.status).toBe(401);
    expect(bearerChallenge(api.headers.get('www-authenticate')).error).toBe('insufficient_user_authentication');
  });
});

describe('users without a second factor', () => {
  const SECRET_ON_PAGE = /<code data-testid="totp-secret">([^<]+)<\/code>/;

  it('offers bob enrolment; declined, the RP refuses the export with a clear page', async () => {
    const { browser } = await signInAtRp(stack, BOB);
    const { interactionUrl, html } = await startExportStepUp(stack, browser);

    expect(hasFormPostingTo(html, '/enroll-otp')).toBe(true);
    expect(hasFormPostingTo(html, '/enroll-otp/decline')).toBe(true);
    expect(hasPasswordForm(html)).toBe(false);
    expect(SECRET_ON_PAGE.exec(html)?.[1]).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);

    const declined = await browser.postForm(`${interactionUrl}/enroll-otp/decline`, { csrf: csrfFrom(html) });
    expect(declined.status).toBe(303);
    const landed = await browser.follow(declined, `${interactionUrl}/enroll-otp/decline`);
    // The voluntary request continued at the password level; the RP checked the acr.
    expect(landed.visited.some((url) => url.startsWith(`${stack.rpUrl}/callback?`))).toBe(true);
    expect(landed.response.status).toBe(403);
    const page = await landed.response.text();
    expect(page).toContain('step_up_failed');
    expect(page).toContain('Stronger sign-in not confirmed');
    expect(page).toContain('href="/account/export"'); // "Try again" leads back to the action
    expect(page).not.toContain('Your data');
    expect(exportOnPage(page)).toBeUndefined();

    // Still no export, through the API or the page.
    const api = await browser.get(`${stack.rpUrl}/api/account/export`, JSON_ACCEPT);
    expect(api.status).toBe(401);
    const again = await browser.get(`${stack.rpUrl}/account/export`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toMatch(new RegExp(`^${stack.opUrl}/authorize\\?`));
    const account = await (await browser.get(`${stack.rpUrl}/account`)).text();
    expect(claimOnAccountPage(account, 'acr')).toBe(ACR_PWD);
  });

  it('answers an essential mfa request for bob with unmet_authentication_requirements when he declines, or under prompt=none', async () => {
    const browser = new Browser();
    await idTokenFromOp(stack, browser, BOB);
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR_MFA] } } });

    const url = authorizeUrl(stack, { claims, state: 'essential' }, pkce());
    const page = await followAtOp(browser, await browser.get(url), url);
    expect(page.leftOp).toBe(false);
    if (page.leftOp) return;
    expect(hasFormPostingTo(page.html, '/enroll-otp')).toBe(true);
    const declined = await browser.postForm(`${page.url}/enroll-otp/decline`, { csrf: csrfFrom(page.html) });
    const answer = await followAtOp(browser, declined, `${page.url}/enroll-otp/decline`);
    expect(answer.leftOp).toBe(true);
    const response = authorizationResponse(stack, answer.response, answer.url);
    expect(response.get('error')).toBe('unmet_authentication_requirements');
    expect(response.get('state')).toBe('essential');
    expect(response.get('code')).toBeNull();

    const silentUrl = authorizeUrl(stack, { claims, prompt: 'none', state: 'silent' }, pkce());
    const silent = authorizationResponse(stack, await browser.get(silentUrl), silentUrl);
    expect(silent.get('error')).toBe('unmet_authentication_requirements');
    expect(silent.get('code')).toBeNull();
  });

  it('lets carol enrol a code during the step-up, then exports', async () => {
    const { browser } = await signInAtRp(stack, CAROL);
    const { interactionUrl, html } = await startExportStepUp(stack, browser);
    const shown = SECRET_ON_PAGE.exec(html)?.[1];
    expect(shown).toBeDefined();
    const code = await totpCode(shown!.replace(/ /g, ''));
    const enrolled = await browser.postForm(`${interactionUrl}/enroll-otp`, { csrf: csrfFrom(html), code });
    expect(enrolled.status).toBe(303);
    const landed = await browser.follow(enrolled, `${interactionUrl}/enroll-otp`);
    expect(landed.url).toBe(`${stack.rpUrl}/account/export`);
    expect(landed.response.status).toBe(200);
    const page = await landed.response.text();
    expect(definition(page, 'Authentication context (acr)')).toBe(ACR_MFA);
    expect(amrOf(definition(page, 'Methods (amr)'))).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(exportOnPage(page)?.account.email).toBe(CAROL.email);
  });
});

describe('id_token_hint, prompt=none and max_age at the OP', () => {
  it('answers prompt=none with login_required when the hint names another user than the session', async () => {
    const bobToken = await idTokenFromOp(stack, new Browser(), BOB);
    const alice = new Browser();
    const aliceToken = await idTokenFromOp(stack, alice, ALICE);
    expect(jwtPayload(bobToken).sub).not.toBe(jwtPayload(aliceToken).sub);

    const url = authorizeUrl(stack, { prompt: 'none', id_token_hint: bobToken, state: 'other-user' }, pkce());
    const answer = authorizationResponse(stack, await alice.get(url), url);
    expect(answer.get('error')).toBe('login_required');
    expect(answer.get('state')).toBe('other-user');
    expect(answer.get('code')).toBeNull();

    // Control: alice's own hint on her session is answered silently, for her.
    const own = pkce();
    const ownUrl = authorizeUrl(stack, { prompt: 'none', id_token_hint: aliceToken }, own);
    const ok = authorizationResponse(stack, await alice.get(ownUrl), ownUrl);
    expect(ok.get('error')).toBeNull();
    const tokens = await exchangeCode(stack, ok.get('code')!, own);
    expect(jwtPayload(tokens.id_token).sub).toBe(jwtPayload(aliceToken).sub);
  });

  it('refuses a hint signed by a key the OP never had with invalid_request', async () => {
    const alice = new Browser();
    const aliceToken = await idTokenFromOp(stack, alice, ALICE);
    const forged = reSignWithForeignKey(aliceToken);
    // Same kid and claims as a genuine token: only the signature tells them apart.
    expect(jwtHeader(forged).kid).toBe(jwtHeader(aliceToken).kid);
    for (const prompt of [{ prompt: 'none' }, {}] as Record<string, string>[]) {
      const url = authorizeUrl(stack, { ...prompt, id_token_hint: forged, state: 'forged' }, pkce());
      const answer = authorizationResponse(stack, await alice.get(url), url);
      expect(answer.get('error')).toBe('invalid_request');
      expect(answer.get('state')).toBe('forged');
      expect(answer.get('code')).toBeNull();
    }
  });

  it('shows the password form again for max_age=0, and the new auth_time is fresh', async () => {
    const alice = new Browser();
    const first = await idTokenFromOp(stack, alice, ALICE);
    const firstAuthTime = jwtPayload(first).auth_time as number;

    // Control: with a live session and no max_age, the OP answers without any page.
    const silentUrl = authorizeUrl(stack, { prompt: 'none' }, pkce());
    expect(authorizationResponse(stack, await alice.get(silentUrl), silentUrl).get('code')).toBeTruthy();

    await new Promise((resolve) => setTimeout(resolve, 1100)); // auth_time has one-second resolution
    const code = pkce();
    const url = authorizeUrl(stack, { max_age: '0', id_token_hint: first }, code);
    const page = await followAtOp(alice, await alice.get(url), url);
    expect(page.leftOp).toBe(false);
    if (page.leftOp) return;
    expect(hasFormPostingTo(page.html, '/login')).toBe(true);
    expect(page.html).toMatch(/<input[^>]*type="password"/);

    const posted = await alice.postForm(`${page.url}/login`, { csrf: csrfFrom(page.html), email: ALICE.email, password: ALICE.password });
    const answer = await followAtOp(alice, posted, `${page.url}/login`);
    expect(answer.leftOp).toBe(true);
    const response = authorizationResponse(stack, answer.response, answer.url);
    const tokens = await exchangeCode(stack, response.get('code')!, code);
    const claims = jwtPayload(tokens.id_token);
    expect(claims.sub).toBe(jwtPayload(first).sub);
    expect(claims.auth_time as number).toBeGreaterThan(firstAuthTime);
    expect(claims.acr).toBe(ACR_PWD);
  });
});
