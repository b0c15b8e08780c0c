// Issue 6 (logout) across both apps: the real OP and the real demo RP as processes, driven over
// real HTTP with the test-kit browser (its cookie jar, each redirect and page followed by hand).
// RP "Sign out everywhere", sign-out at the OP itself, the admin's "sign out everywhere",
// back-channel logout tokens the RP must refuse, and an unregistered post-logout redirect.
import { generateSigningKey, KeySet } from '@oidc-ref/crypto';
import type { Stack } from '@oidc-ref/stack';
import { csrfFrom, signInAtOp, type Browser } from '@oidc-ref/test-kit';
import {
  admin,
  logoutClaims,
  logoutDeliveries,
  logoutJtiCount,
  opSidOfRpSession,
  opSigningKeys,
  opUserId,
  postLogoutToken,
  query,
  rpSessionsForSid,
  rpSignedIn,
  waitFor,
  waitUntilRpSignedOut,
  type Delivery,
} from './helpers/logout.js';
import { ALICE, authorizeUrl, BOB, CAROL, CLIENT_ID, pkce } from './helpers/oidc.js';
import { hasPasswordForm, signInAtRp } from './helpers/pages.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const unescapeAmp = (value: string) => value.replace(/&amp;/g, '&');

/** The front-channel iframes and the `#continue` link of the OP's signed-out page. */
function signedOutPageParts(html: string): { frames: string[]; continueTo?: string } {
  const frames = [...html.matchAll(/<iframe class="fc" src="([^"]+)"/g)].map((match) => unescapeAmp(match[1]!));
  const link = /<a id="continue" href="([^"]+)"/.exec(html)?.[1];
  return { frames, ...(link === undefined ? {} : { continueTo: unescapeAmp(link) }) };
}

/** Whether the OP would ask this browser for a password again (no OP session), for the demo RP. */
async function opAsksForPassword(browser: Browser): Promise<boolean> {
  const { url, html } = await signInAtOpWithoutTyping(browser);
  return url.includes('/interaction/') && html !== undefined && hasPasswordForm(html);
}

/** Opens an authorization request and stops at the first page the OP shows (or where it redirects). */
async function signInAtOpWithoutTyping(browser: Browser): Promise<{ url: string; html?: string }> {
  let url = authorizeUrl(stack, {}, pkce());
  let response = await browser.get(url);
  for (let hop = 0; hop < 5 && response.status >= 300 && response.status < 400; hop++) {
    const next = new URL(response.headers.get('location')!, url).href;
    if (!next.startsWith(stack.opUrl)) return { url: next };
    url = next;
    response = await browser.get(url);
  }
  return { url, html: await response.text() };
}

async function deliveriesForSid(sid: string): Promise<Delivery[]> {
  return (await logoutDeliveries(stack)).filter((delivery) => delivery.sid === sid);
}

describe('alice signs out', () => {
  it('with "Sign out everywhere" at the RP: OP session ended, RPs notified, back on /signed-out with her state', async () => {
    const { browser, accountHtml } = await signInAtRp(stack, ALICE);
    const sid = await opSidOfRpSession(stack, browser);
    const jtisBefore = await logoutJtiCount(stack);

    // The RP ends its session and sends her to the OP's end_session_endpoint.
    const posted = await browser.postForm(`${stack.rpUrl}/logout`, { csrf: csrfFrom(accountHtml), everywhere: '1' });
    expect(posted.status).toBe(303);
    const endSession = new URL(posted.headers.get('location')!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${stack.opUrl}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.rpUrl}/signed-out`);
    expect(endSession.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
    const state = endSession.searchParams.get('state')!;
    expect(state).toBeTruthy();
    expect(browser.cookie('127.0.0.1', 'rp_logout_state')).toBe(state);

    // The OP trusts the hint (her session, her sid): no question, signed out, the RP framed.
    const opPage = await browser.get(endSession.href);
    expect(opPage.status).toBe(200);
    const { frames, continueTo } = signedOutPageParts(await opPage.text());
    expect(browser.cookie('127.0.0.1', 'op_session')).toBeUndefined();
    const frame = new URL(`${stack.rpUrl}/frontchannel-logout`);
    frame.searchParams.set('iss', stack.opUrl);
    frame.searchParams.set('sid', sid);
    expect(frames).toEqual([frame.href]);
    for (const src of frames) {
      const loaded = await browser.get(src);
      expect(loaded.status).toBe(200);
      expect(loaded.headers.get('content-security-policy')).toContain(`frame-ancestors ${stack.opUrl}`);
    }

    // #continue (what the page's script does once the iframes loaded): the registered URI with her state.
    expect(continueTo).toBe(`${stack.rpUrl}/signed-out?state=${state}`);
    const signedOut = await browser.get(continueTo!);
    expect(signedOut.status).toBe(200);
    const signedOutHtml = await signedOut.text();
    expect(signedOutHtml).toMatch(/signed out/i);
    expect(signedOutHtml).not.toMatch(/could not be confirmed|not confirmed/i);
    expect(browser.cookie('127.0.0.1', 'rp_logout_state')).toBeUndefined();

    await waitUntilRpSignedOut(stack, browser);
    expect(await rpSessionsForSid(stack, sid)).toEqual([]);
    // The OP notified the RP on the back channel too (before the redirect), and the RP took it.
    const [delivery] = await deliveriesForSid(sid);
    expect(delivery).toMatchObject({ kind: 'backchannel_logout', status: 'succeeded', last_status: 200, sub: await opUserId(stack, ALICE.email) });
    expect(await logoutJtiCount(stack)).toBe(jtisBefore + 1);
    // And she is signed out at the OP: a new sign-in asks for her password.
    expect(await opAsksForPassword(browser)).toBe(true);
    // The state is single-use: the same redirect again is not confirmed.
    const again = await browser.get(continueTo!);
    expect(again.status).toBe(400);
  });

  it('with "Sign out everywhere" when her OP session is already gone: the OP sends her straight back with her state', async () => {
    const { browser, accountHtml } = await signInAtRp(stack, ALICE);
    const sid = await opSidOfRpSession(stack, browser);
    // Her OP session disappears without the RP hearing of it (as if its notification was lost).
    await query(stack.opDatabaseUrl, 'DELETE FROM sessions WHERE id = $1', [sid]);

    const posted = await browser.postForm(`${stack.rpUrl}/logout`, { csrf: csrfFrom(accountHtml), everywhere: '1' });
    expect(posted.status).toBe(303);
    const endSession = new URL(posted.headers.get('location')!);
    const state = endSession.searchParams.get('state')!;
    const atOp = await browser.get(endSession.href);
    // Logout of a user who is not signed in is not an error (RP-Initiated Logout §4): back at once.
    expect(atOp.status).toBe(303);
    expect(atOp.headers.get('location')).toBe(`${stack.rpUrl}/signed-out?state=${state}`);
    const landed = await browser.follow(atOp, endSession.href);
    expect(landed.response.status).toBe(200);
    expect(await landed.response.text()).not.toMatch(/could not be confirmed/i);
    expect(await rpSignedIn(stack, browser)).toBe(false);
  });

  it('at the OP directly (end_session without a hint, confirmed): the RP session ends within 2 s through the back channel', async () => {
    const { browser } = await signInAtRp(stack, ALICE);
    const sid = await opSidOfRpSession(stack, browser);
    const end = new URL(`${stack.opUrl}/session/end`);
    end.searchParams.set('client_id', CLIENT_ID);
    end.searchParams.set('post_logout_redirect_uri', `${stack.rpUrl}/signed-out`);
    end.searchParams.set('state', 'from-the-op');

    // No hint: the OP asks.
    const question = await browser.get(end.href);
    expect(question.status).toBe(200);
    const questionHtml = await question.text();
    expect(questionHtml).toContain('Sign out?');
    expect(await rpSignedIn(stack, browser)).toBe(true);

    const confirmed = await browser.postForm(`${stack.opUrl}/session/end/confirm`, {
      csrf: csrfFrom(questionHtml),
      client_id: CLIENT_ID,
      post_logout_redirect_uri: `${stack.rpUrl}/signed-out`,
      state: 'from-the-op',
      decision: 'logout',
    });
    expect(confirmed.status).toBe(200);
    const { frames, continueTo } = signedOutPageParts(await confirmed.text());
    expect(frames).toHaveLength(1);
    expect(continueTo).toBe(`${stack.rpUrl}/signed-out?state=from-the-op`);

    // The iframe is NOT loaded here (as if the browser blocked it): the back channel alone ends it.
    await waitUntilRpSignedOut(stack, browser);
    expect(await rpSessionsForSid(stack, sid)).toEqual([]);
    expect(await deliveriesForSid(sid)).toEqual([expect.objectContaining({ status: 'succeeded', last_status: 200 })]);

    // The RP did not start this sign-out: it lands on the registered page, which cannot confirm it.
    const landed = await browser.get(continueTo!);
    expect(landed.status).toBe(400);
    expect(await landed.text()).toMatch(/could not be confirmed/i);
    expect(await opAsksForPassword(browser)).toBe(true);
  });

  it("by the admin's sign-out-everywhere: every RP session of hers ends within 2 s", async () => {
    const [first, second] = [await signInAtRp(stack, ALICE), await signInAtRp(stack, ALICE)];
    const sids = [await opSidOfRpSession(stack, first.browser), await opSidOfRpSession(stack, second.browser)];
    expect(sids[0]).not.toBe(sids[1]);
    const userId = await opUserId(stack, ALICE.email);

    const { status, body } = await admin(stack, 'POST', `/admin/users/${userId}/logout`);
    expect(status).toBe(202);
    const result = body as { sessions_ended: number; deliveries: Delivery[] };
    expect(result.sessions_ended).toBe(2);
    expect(result.deliveries.map((delivery) => delivery.sid).sort()).toEqual([...sids].sort());

    await waitUntilRpSignedOut(stack, first.browser);
    await waitUntilRpSignedOut(stack, second.browser);
    for (const delivery of result.deliveries) {
      const { body: view } = await admin(stack, 'GET', `/admin/commands/${delivery.id}`);
      expect(view).toMatchObject({ kind: 'backchannel_logout', client_id: CLIENT_ID, status: 'succeeded', last_status: 200 });
    }
    expect(await opAsksForPassword(first.browser)).toBe(true);
  });
});

describe('logout tokens the RP refuses (signed with the OP key, one defect each)', () => {
  it('answers 400 invalid_request and changes nothing; the valid token then ends the session (200)', async () => {
    const { browser } = await signInAtRp(stack, ALICE);
    const sid = await opSidOfRpSession(stack, browser);
    const sub = await opUserId(stack, ALICE.email);
    const keys = await opSigningKeys(stack);
    const foreignKeys = await KeySet.load([await generateSigningKey('RS256')]);
    const unsecured = (claims: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const valid = () => logoutClaims(stack, { sub, sid });
    const without = (claims: Record<string, unknown>, name: string) => Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

    // A valid token naming nobody's session: accepted (200, ends nothing) — its jti is now used.
    const used = logoutClaims(stack, { sid: 'not-a-session-of-anyone' });
    const usedResponse = await postLogoutToken(stack, await keys.sign(used, { typ: 'logout+jwt' }));
    expect(usedResponse.status).toBe(200);
    expect(await rpSignedIn(stack, browser)).toBe(true);

    // Each with the reason the RP gives (so the token fails on its defect, not on something else).
    const refused: [string, Promise<string>, RegExp][] = [
      ['nonce', keys.sign({ ...valid(), nonce: 'n-0S6_WzA2Mj' }, { typ: 'logout+jwt' }), /nonce/],
      ['wrong typ', keys.sign(valid(), { typ: 'JWT' }), /typ/],
      ['no typ', keys.sign(valid()), /typ/],
      ['wrong aud', keys.sign({ ...valid(), aud: 'some-other-client' }, { typ: 'logout+jwt' }), /aud/],
      ['replayed jti', keys.sign({ ...valid(), jti: used.jti }, { typ: 'logout+jwt' }), /already used/],
      ['no events', keys.sign(without(valid(), 'events'), { typ: 'logout+jwt' }), /events/],
      ['events without the back-channel member', keys.sign({ ...valid(), events: { 'urn:example:other': {} } }, { typ: 'logout+jwt' }), /events/],
      ['neither sid nor sub', keys.sign(without(without(valid(), 'sid'), 'sub'), { typ: 'logout+jwt' }), /sub or sid/],
      ['expired', keys.sign({ ...valid(), iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }, { typ: 'logout+jwt' }), /expired/],
      ['signed by a key the OP never had', foreignKeys.sign(valid(), { typ: 'logout+jwt' }), /signature/],
      ['alg none', Promise.resolve(unsecured(valid())), /alg/],
    ];
    const jtis = await logoutJtiCount(stack);
    for (const [defect, token, reason] of refused) {
      const response = await postLogoutToken(stack, await token);
      expect({ defect, status: response.status }).toEqual({ defect, status: 400 });
      expect(response.cacheControl).toBe('no-store');
      const body = JSON.parse(response.body) as Record<string, unknown>;
      expect(body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(reason) });
      expect(await logoutJtiCount(stack)).toBe(jtis);
      expect({ defect, signedIn: await rpSignedIn(stack, browser) }).toEqual({ defect, signedIn: true });
    }
    expect(await rpSessionsForSid(stack, sid)).toHaveLength(1);

    // The same claims, without the defect: her session ends.
    const accepted = await postLogoutToken(stack, await keys.sign(valid(), { typ: 'logout+jwt' }));
    expect(accepted.status).toBe(200);
    expect(accepted.cacheControl).toBe('no-store');
    expect(await rpSignedIn(stack, browser)).toBe(false);
    expect(await rpSessionsForSid(stack, sid)).toEqual([]);
    expect(await logoutJtiCount(stack)).toBe(jtis + 1);
  });
});

describe('an unregistered post_logout_redirect_uri', () => {
  it('is never redirected to: a 400 page at the OP, no Location, both sessions unchanged', async () => {
    const { browser } = await signInAtRp(stack, ALICE);
    const sid = await opSidOfRpSession(stack, browser);
    const [row] = await query<{ id_token: string }>(stack.rpDatabaseUrl, 'SELECT id_token FROM sessions WHERE op_sid = $1', [sid]);
    const idTokenHint = row!.id_token;
    const deliveriesBefore = (await logoutDeliveries(stack)).length;

    for (const target of ['https://evil.example/signed-out', `${stack.rpUrl}/signed-out/`, `${stack.rpUrl}/Signed-out`, `${stack.rpUrl}/signed-out?x=1`]) {
      const end = new URL(`${stack.opUrl}/session/end`);
      end.searchParams.set('id_token_hint', idTokenHint);
      end.searchParams.set('post_logout_redirect_uri', target);
      end.searchParams.set('state', 'nope');
      const response = await browser.get(end.href);
      expect({ target, status: response.status }).toEqual({ target, status: 400 });
      expect(response.headers.get('location')).toBeNull();
      const html = await response.text();
      expect(html).not.toContain(target.replace(/&/g, '&amp;') + '?state');
      expect(browser.cookie('127.0.0.1', 'op_session')).toBeDefined();
    }
    // Nothing ended: the RP session works, the OP session still signs her in without a password,
    // and no RP was notified.
    expect(await rpSignedIn(stack, browser)).toBe(true);
    const { url } = await signInAtOpWithoutTyping(browser);
    expect(url.startsWith(`${stack.rpUrl}/callback?`)).toBe(true);
    expect((await logoutDeliveries(stack)).length).toBe(deliveriesBefore);
  });
});

describe('other ways an OP session ends reach the RP on the back channel', () => {
  it('another user signing in over her OP session in the same browser ends her RP session', async () => {
    const { browser } = await signInAtRp(stack, ALICE);
    const sid = await opSidOfRpSession(stack, browser);
    // Bob signs in at the OP in her browser (prompt=login): her OP session is replaced.
    const { url } = await signInAtOp(browser, authorizeUrl(stack, { prompt: 'login' }, pkce()), BOB);
    expect(url.startsWith(`${stack.rpUrl}/callback?`)).toBe(true);
    await waitUntilRpSignedOut(stack, browser);
    expect(await rpSessionsForSid(stack, sid)).toEqual([]);
    expect(await deliveriesForSid(sid)).toEqual([expect.objectContaining({ status: 'succeeded', sub: await opUserId(stack, ALICE.email) })]);
  });

  it("the admin deleting a user ends her RP sessions and notifies the RP's back channel", async () => {
    const { browser } = await signInAtRp(stack, CAROL);
    const sid = await opSidOfRpSession(stack, browser);
    const userId = await opUserId(stack, CAROL.email);
    const { status, body } = await admin(stack, 'POST', `/admin/users/${userId}/delete`);
    expect(status).toBe(202);
    const logouts = (body as { deliveries: Delivery[] }).deliveries.filter((delivery) => delivery.kind === 'backchannel_logout');
    expect(logouts).toEqual([expect.objectContaining({ sid, sub: userId })]);
    await waitUntilRpSignedOut(stack, browser);
    const delivered = await waitFor(
      'the logout delivery',
      async () => {
        const view = (await admin(stack, 'GET', `/admin/commands/${logouts[0]!.id}`)).body as Delivery;
        return view.status === 'pending' || view.status === 'delivering' ? undefined : view;
      },
      10_000,
    );
    expect(delivered).toMatchObject({ status: 'succeeded', last_status: 200 });
  });
});
