// The real-browser tests' Chromium: Debian's package at a fixed path (CI installs it in .ci/run),
// driven headless by playwright-core. Where it is missing, a test file says so and skips.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (CI runs as root), nothing that reaches out to the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Chromium is installed; when not, warns that the `what` test is skipped. */
export function haveChromium(what: string): boolean {
  const found = existsSync(CHROMIUM);
  if (!found) console.warn(`${CHROMIUM} not found: skipping the real-browser ${what} test (install it with: apt-get install -y chromium)`);
  return found;
}

/** playwright-core launch options for {@link CHROMIUM}. */
export const chromiumLaunchOptions = { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS };
