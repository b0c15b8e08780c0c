// An administrator suspends alice from the OP's admin console while she is signed in at the RP,
// in a real browser: Debian's Chromium driven by playwright-core, two separate browser contexts
// (alice and the admin), the apps' CSPs, cookies and redirects as a browser enforces them. CI
// installs chromium (.ci/run); where it is missing, this file says so and skips.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '@oidc-ref/stack';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { rpAccount, opUserId } from './helpers/commands.js';
import { ALICE } from './helpers/oidc.js';
import { chromiumLaunchOptions, haveChromium } from './helpers/chromium.js';
import { startTestStack } from './helpers/stack.js';

const chromiumHere = haveChromium('commands');

/** How soon alice's RP session must be gone after the admin's click (the acceptance). */
const SIGNED_OUT_WITHIN_MS = 5000;

(chromiumHere ? describe : describe.skip)('admin suspends alice in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let aliceContext: BrowserContext;
  let adminContext: BrowserContext;
  let artifacts: string;
  /** Problems the browser reported: console errors (CSP violations among them), unexpected failed responses. */
  const problems: string[] = [];

  function watch(page: Page, expectedFailures: (status: number, url: string) => boolean) {
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    page.on('response', (response) => {
      const status = response.status();
      if (status >= 400 && !response.url().endsWith('/favicon.ico') && !expectedFailures(status, response.url())) problems.push(`${status} ${response.url()}`);
    });
  }

  beforeAll(async () => {
    artifacts = await mkdtemp(path.join(tmpdir(), 'oidc-ref-e2e-screenshots-'));
    [stack, browser] = await Promise.all([startTestStack(), chromium.launch(chromiumLaunchOptions)]);
    aliceContext = await browser.newContext();
    adminContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    aliceContext.setDefaultTimeout(15_000);
    adminContext.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** From the RP's home page: Sign in, through the OP (password only when the OP asks), to wherever it ends. */
  async function aliceSignsIn(page: Page) {
    await page.goto(`${stack.rpUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.href.startsWith(`${stack.opUrl}/authorize`));
    if (page.url().startsWith(`${stack.opUrl}/interaction/`) && (await page.getByLabel('Password').count()) > 0) {
      await page.getByLabel('Email').fill(ALICE.email);
      await page.getByLabel('Password').fill(ALICE.password);
      const before = page.url();
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Onwards to the RP, or the OP's login page again with a refusal (…/login).
      await page.waitForURL((url) => url.href !== before);
    }
    await page.waitForLoadState();
  }

  it('signs alice out within 5 s of the admin click, refuses her while suspended, and lets her back after reactivate', async () => {
    const alice = await aliceContext.newPage();
    // Signing in while suspended is a 403: the RP's "Account suspended" on its callback, or the
    // OP's login page when the OP refuses the suspended user itself.
    watch(alice, (status, url) => status === 403 && (url.startsWith(`${stack.rpUrl}/callback`) || /\/interaction\/[^/]+\/login$/.test(url)));
    const admin = await adminContext.newPage();
    watch(admin, () => false);

    // alice signs in at the RP (acme), with her password at the OP.
    await aliceSignsIn(alice);
    expect(alice.url()).toBe(`${stack.rpUrl}/account`);
    expect(await alice.locator('body').innerText()).toContain(ALICE.email);

    // The admin signs in to the OP's console with the admin token.
    await admin.goto(`${stack.opUrl}/admin/console`);
    await admin.waitForURL(`${stack.opUrl}/admin/console/sign-in`);
    await admin.getByLabel('Admin token').fill(stack.adminToken);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForURL(`${stack.opUrl}/admin/console/users`);
    expect((await adminContext.cookies(`${stack.opUrl}/admin/console/users`)).find((c) => c.name === 'op_admin_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const aliceRow = admin.locator('tr', { hasText: ALICE.email });
    expect(await aliceRow.innerText()).toContain('Acme Corporation');
    await admin.screenshot({ path: path.join(artifacts, 'console-users.png'), fullPage: true });

    // Suspend: the console fans the command out to the RP; alice's RP session ends.
    await admin.getByRole('button', { name: `suspend ${ALICE.email}` }).click();
    const clicked = Date.now();
    await admin.waitForURL(/\/admin\/console\/users\?done=suspend&count=1$/);
    await admin.getByText('suspend sent to 1 RP').waitFor();

    let signedOut = false;
    while (Date.now() - clicked < SIGNED_OUT_WITHIN_MS) {
      await alice.goto(`${stack.rpUrl}/account`);
      if (alice.url() === `${stack.rpUrl}/`) {
        signedOut = true;
        break;
      }
      await alice.waitForTimeout(200);
    }
    expect(signedOut).toBe(true);
    expect(Date.now() - clicked).toBeLessThan(SIGNED_OUT_WITHIN_MS);
    await alice.getByRole('link', { name: 'Sign in' }).waitFor();
    const aliceSub = await opUserId(stack, ALICE.email);
    expect((await rpAccount(stack, aliceSub))?.state).toBe('suspended');

    // Signing in again is refused: the account is suspended.
    await aliceSignsIn(alice);
    expect(alice.url().startsWith(`${stack.rpUrl}/account`)).toBe(false);
    expect(await alice.locator('body').innerText()).toMatch(/account (is )?suspended/i);
    await alice.screenshot({ path: path.join(artifacts, 'rp-account-suspended.png'), fullPage: true });

    // The deliveries page shows the suspend as delivered, updated live by its script.
    await admin.getByRole('link', { name: 'Deliveries' }).click();
    const suspendRow = admin.locator('#deliveries-body tr', { hasText: 'suspend' }).first();
    await suspendRow.locator('.badge', { hasText: 'succeeded' }).waitFor();
    expect(await suspendRow.innerText()).toContain('"account_state":"suspended"');
    await admin.screenshot({ path: path.join(artifacts, 'console-deliveries.png'), fullPage: true });

    // Reactivate: alice signs in again.
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('button', { name: `reactivate ${ALICE.email}` }).click();
    await admin.getByText('reactivate sent to 1 RP').waitFor();
    await admin.getByRole('link', { name: 'Deliveries' }).click();
    await admin.locator('#deliveries-body tr', { hasText: 'reactivate' }).first().locator('.badge', { hasText: 'succeeded' }).waitFor();

    await aliceSignsIn(alice);
    expect(alice.url()).toBe(`${stack.rpUrl}/account`);
    expect(await alice.locator('body').innerText()).toContain(ALICE.email);
    expect((await rpAccount(stack, aliceSub))?.state).toBe('active');

    // Any command from the console's form: an audit_tenant of acme, with its progress.
    await admin.getByRole('link', { name: 'Send a command' }).click();
    await admin.getByLabel('Relying party').selectOption('demo-rp');
    await admin.getByLabel('Command', { exact: true }).selectOption('audit_tenant');
    await admin.getByLabel('Tenant', { exact: true }).fill('acme');
    await admin.getByRole('button', { name: 'Send' }).click();
    await admin.waitForURL(/\/admin\/console\/deliveries\/[^/]+$/);
    await admin.getByText(/1 of 1 accounts \(complete\)/).waitFor();
    await admin.locator('[data-field="status"]', { hasText: 'succeeded' }).waitFor();
    // Where the OP stores audit_tenant results, the page lists them: alice is acme's one account.
    if ((await admin.locator('#accounts-body').count()) > 0) {
      await admin.reload();
      expect(await admin.locator('#accounts-body').innerText()).toContain(aliceSub);
    }
    await admin.screenshot({ path: path.join(artifacts, 'console-delivery-audit-tenant.png'), fullPage: true });
    console.log(`commands browser test: screenshots in ${artifacts}`);

    expect(problems).toEqual([]);
  });
});
