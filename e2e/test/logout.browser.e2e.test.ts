// alice's "Sign out everywhere" in a real browser: Debian's Chromium driven by playwright-core,
// clicking through the RP's and the OP's server-rendered pages with their CSPs, cookies,
// redirects, the OP's front-channel iframes and its continue script as a browser enforces them.
// CI installs chromium (.ci/run); where it is missing, this file says so and skips.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '@oidc-ref/stack';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { rpSessionsForSid, query } from './helpers/logout.js';
import { ALICE } from './helpers/oidc.js';
import { chromiumLaunchOptions, haveChromium } from './helpers/chromium.js';
import { startTestStack } from './helpers/stack.js';

const chromiumHere = haveChromium('logout');

// The OP on the RP's site (both 127.0.0.1), and on another site (localhost): there the RP's
// front-channel iframe is third-party in the OP's page and gets no SameSite=Lax cookie.
const SITES = [
  { sites: 'OP and RP on one site', opHost: '127.0.0.1' },
  { sites: 'OP on another site than the RP', opHost: 'localhost' },
];

(chromiumHere ? describe.each(SITES) : describe.skip.each(SITES))('sign out everywhere in Chromium ($sites)', ({ opHost }) => {
  let stack: Stack;
  let context: BrowserContext;
  let profile: string;
  let artifacts: string;
  /** Problems the browser reported: console errors (CSP violations among them), failed responses. */
  const problems: string[] = [];
  /** Every response the browser got, to check the front-channel iframe was really loaded. */
  const responses: { url: string; status: number }[] = [];

  beforeAll(async () => {
    profile = await mkdtemp(path.join(tmpdir(), 'oidc-ref-chromium-profile-'));
    artifacts = await mkdtemp(path.join(tmpdir(), 'oidc-ref-e2e-screenshots-'));
    [stack, context] = await Promise.all([
      startTestStack({ opHost }),
      chromium.launchPersistentContext(profile, chromiumLaunchOptions),
    ]);
    context.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  function watch(page: Page) {
    // Console errors (CSP violations among them) and failed responses; the favicon the browser
    // asks for unprompted is not part of the flow.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    page.on('response', (response) => {
      responses.push({ url: response.url(), status: response.status() });
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
    });
  }

  async function signInWithPassword(page: Page) {
    await page.waitForURL((url) => url.href.startsWith(`${stack.opUrl}/interaction/`));
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.rpUrl}/account`);
  }

  it('signs alice out of the RP and the OP: OP page with the iframe, back on /signed-out, signing in again asks for her password', async () => {
    const page = await context.newPage();
    watch(page);

    await page.goto(`${stack.rpUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signInWithPassword(page);
    const [session] = await query<{ op_sid: string }>(stack.rpDatabaseUrl, 'SELECT op_sid FROM sessions WHERE op_sid IS NOT NULL');
    const sid = session!.op_sid;
    expect((await context.cookies(stack.rpUrl)).map((cookie) => cookie.name)).toContain('rp_session');
    expect((await context.cookies(stack.opUrl)).map((cookie) => cookie.name)).toContain('op_session');

    // Sign out everywhere: RP → OP end_session (the signed-out page frames the RP) → /signed-out.
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.rpUrl}/signed-out?state=`));
    await page.getByRole('heading', { name: /signed out/i }).first().waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/signed out/i);
    expect(text).not.toMatch(/could not be confirmed/i);
    await page.screenshot({ path: path.join(artifacts, 'logout-rp-signed-out.png'), fullPage: true });

    // The browser went through the OP's page and loaded the RP's front-channel iframe there.
    expect(responses.some((response) => response.url.startsWith(`${stack.opUrl}/session/end?`) && response.status === 200)).toBe(true);
    expect(responses.some((response) => response.url.startsWith(`${stack.rpUrl}/frontchannel-logout?`) && response.status === 200)).toBe(true);
    expect(await rpSessionsForSid(stack, sid)).toEqual([]);
    expect((await context.cookies(stack.opUrl)).map((cookie) => cookie.name)).not.toContain('op_session');

    // Back to her account: the RP no longer knows her.
    await page.goto(`${stack.rpUrl}/account`);
    await page.waitForURL(`${stack.rpUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).waitFor();

    // Signing in again: the OP asks for her password (no OP session left).
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.opUrl}/interaction/`));
    await page.getByLabel('Password').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'logout-op-asks-password.png'), fullPage: true });
    await signInWithPassword(page);

    console.log(`logout browser test: screenshots in ${artifacts}`);
    expect(problems).toEqual([]);
  });

  it('the OP signed-out page waits for the front-channel iframe before continuing', async () => {
    const page = await context.newPage();
    watch(page);
    // Still signed in from the previous test (it signed in again at the end).
    await page.goto(`${stack.rpUrl}/account`);
    await page.getByRole('button', { name: 'Sign out everywhere' }).waitFor();
    // Hold the RP's front-channel answer for a moment: the OP page must stay until it loaded.
    let frameServedAt = 0;
    const frontChannel = (url: URL) => url.origin === stack.rpUrl && url.pathname === '/frontchannel-logout';
    await page.route(frontChannel, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      frameServedAt = Date.now();
      await route.continue();
    });
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    // (Only until the DOM is there: the page's load event waits for the held iframe.)
    await page.waitForURL((url) => url.href.startsWith(`${stack.opUrl}/session/end?`), { waitUntil: 'domcontentloaded' });
    // The OP's page (its continue link is on no RP page), still there while the iframe loads.
    await page.locator('a#continue').waitFor();
    expect(page.url().startsWith(`${stack.opUrl}/session/end?`)).toBe(true);
    expect(frameServedAt).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'logout-op-signed-out.png'), fullPage: true });
    expect(await page.locator('iframe.fc').count()).toBe(1);
    expect(await page.locator('a#continue').getAttribute('href')).toMatch(new RegExp(`^${stack.rpUrl}/signed-out\\?state=`));

    await page.waitForURL((url) => url.href.startsWith(`${stack.rpUrl}/signed-out?state=`));
    expect(frameServedAt).toBeGreaterThan(0);
    expect(await page.locator('body').innerText()).not.toMatch(/could not be confirmed/i);
    console.log(`logout browser test: screenshots in ${artifacts}`);
    expect(problems).toEqual([]);
  });

  it('signing out at the OP itself (confirmation page) signs her out of the RP too', async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(`${stack.rpUrl}/login`);
    await signInWithPassword(page);

    await page.goto(`${stack.opUrl}/session/end`);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    // She opened it herself: the page does not claim an application asked.
    expect(await page.locator('body').innerText()).not.toContain('asked to sign you out');
    await page.screenshot({ path: path.join(artifacts, 'logout-op-confirm.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    expect(page.url()).toBe(`${stack.opUrl}/session/end/confirm`);
    expect(await page.locator('a#continue').count()).toBe(0);

    await page.goto(`${stack.rpUrl}/account`);
    await page.waitForURL(`${stack.rpUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
  });
});
