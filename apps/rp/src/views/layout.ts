import { createHash } from 'node:crypto';

import { html, raw, type SafeHtml } from '../lib/html.js';

/** The page stylesheet, inlined in a `<style>` element and allowed by its hash in the CSP. */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6478; --line: #dfe3ea; --brand: #2f5bea; --bg: #f6f7fb; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #fff; border-bottom: 1px solid var(--line); }
header .bar { max-width: 52rem; margin: 0 auto; padding: .75rem 1.25rem; display: flex; align-items: center; justify-content: space-between; gap: 1rem; }
header a.brand { font-weight: 600; color: var(--ink); text-decoration: none; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1.25rem; margin: 0 0 1.25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; padding: .4rem .5rem; border-top: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
pre { margin: 0; padding: .75rem; overflow-x: auto; background: var(--bg); border: 1px solid var(--line); border-radius: .375rem; font-size: .85rem; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: #e8eefc; color: var(--brand); font-size: .85rem; }
.badge.bad { background: #fde8e6; color: var(--bad); }
.button, button { display: inline-block; font: inherit; padding: .5rem 1rem; border-radius: .375rem; border: 1px solid var(--brand); background: var(--brand); color: #fff; text-decoration: none; cursor: pointer; }
.button.secondary, button.secondary { background: #fff; color: var(--brand); }
form.inline { display: inline; margin: 0; }
.error h1 { color: var(--bad); }
`;

/** `'sha256-…'` source for the CSP `style-src` directive, matching {@link STYLESHEET}. */
export const STYLESHEET_CSP_HASH = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Shown in the header when signed in. */
  user?: { label: string } | undefined;
}

/** The page shell: doctype, head with the stylesheet, header, and the page's body. */
export function layout({ title, body, user }: LayoutOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Sample RP</title>
<style>${raw(STYLESHEET)}</style>
</head>
<body>
<header><div class="bar"><a class="brand" href="/">Sample RP</a>${
    user ? html`<span class="muted">${user.label} · <a href="/account">Account</a></span>` : ''
  }</div></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
