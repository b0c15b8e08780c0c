// alice's step-up in a real browser: Debian's Chromium driven by playwright-core, clicking
// through the RP's and the OP's server-rendered pages (their CSPs, cookies and redirects as a
// browser enforces them). CI installs chromium (.ci/run); where it is missing, this file says so
// and skips.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '@oidc-ref/stack';
import { chromium, type BrowserContext } from 'playwright-core';
import { ACR_MFA, ACR_PWD, ALICE, totpCode } from './helpers/oidc.js';
import { chromiumLaunchOptions, haveChromium } from './helpers/chromium.js';
import { startTestStack } from './helpers/stack.js';

const chromiumHere = haveChromium('step-up');

(chromiumHere ? describe : describe.skip)('step-up in Chromium', () => {
  let stack: Stack;
  let context: BrowserContext;
  let profile: string;
  let artifacts: string;
  /** Problems the browser reported: console errors (CSP violations among them), failed responses. */
  const problems: string[] = [];

  beforeAll(async () => {
    profile = await mkdtemp(path.join(tmpdir(), 'oidc-ref-chromium-profile-'));
    artifacts = await mkdtemp(path.join(tmpdir(), 'oidc-ref-e2e-screenshots-'));
    [stack, context] = await Promise.all([
      startTestStack(),
      chromium.launchPersistentContext(profile, chromiumLaunchOptions),
    ]);
    context.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('walks alice from the home page through password, the code page and back to her export', async () => {
    const page = await context.newPage();
    // Console errors (CSP violations among them) and failed responses; the favicon the
    // browser asks for unprompted is not part of the flow.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(`${stack.rpUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();

    // The OP's login page: password.
    await page.waitForURL((url) => url.href.startsWith(`${stack.opUrl}/interaction/`));
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The RP's account page, at the password level.
    await page.waitForURL(`${stack.rpUrl}/account`);
    expect(await page.locator('body').innerText()).toContain(ACR_PWD);
    expect((await context.cookies(stack.rpUrl)).map((cookie) => cookie.name)).toContain('rp_session');
    expect((await context.cookies(stack.opUrl)).map((cookie) => cookie.name)).toContain('op_session');

    // "Export my data" needs a step-up: the OP shows only the code page.
    await page.getByRole('link', { name: 'Export my data' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.opUrl}/interaction/`));
    await page.getByRole('heading', { name: 'Enter your verification code' }).waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    expect(await page.locator('form[action$="/login"]').count()).toBe(0);

    await page.getByLabel('6-digit code from your authenticator app').fill(await totpCode(ALICE.totpSecret));
    await page.getByRole('button', { name: 'Verify' }).click();

    // Back at the RP: the export, allowed on the stepped-up sign-in.
    await page.waitForURL(`${stack.rpUrl}/account/export`);
    await page.getByRole('heading', { name: 'Your data' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain(ACR_MFA);
    expect(text).toMatch(/pwd, otp, mfa/);
    expect(text).toContain(ALICE.email);
    expect(text).toContain('Acme Corporation');

    const screenshot = path.join(artifacts, 'step-up-export.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`step-up browser test: screenshot of the export page at ${screenshot}`);

    expect(problems).toEqual([]);
  });
});
