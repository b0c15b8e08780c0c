import { html, Raw } from '../html.js';

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2330;margin:0;font-size:15px}
header{background:#1d2330;color:#fff;padding:.8rem 1.5rem;display:flex;align-items:center;gap:1.5rem;flex-wrap:wrap}
header strong{font-size:1.05rem;margin-right:1rem}
header nav a{color:#c9d3ff;text-decoration:none;margin-right:1.1rem}
header nav a[aria-current=page]{color:#fff;border-bottom:2px solid #7f9cff;padding-bottom:.15rem}
header form{margin-left:auto}
header button{background:#39415a;color:#fff;border:0;border-radius:6px;padding:.35rem .8rem;cursor:pointer}
main{max-width:80rem;margin:1.5rem auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}
main.narrow{max-width:28rem;margin-top:4rem}
h1{font-size:1.35rem;margin:0 0 .35rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
p.sub{color:#5b6474;margin:0 0 1.25rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e6e9ef;vertical-align:top}
th{background:#f7f8fa;font-weight:600}
td.answer,td.err{max-width:22rem;word-break:break-word;font-family:ui-monospace,Menlo,monospace;font-size:.8rem}
td form{display:inline}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=text],input[type=password],select,textarea{width:100%;padding:.55rem .65rem;border:1px solid #c8ced8;border-radius:8px;font-size:.95rem;font-family:inherit}
textarea{font-family:ui-monospace,Menlo,monospace;min-height:6rem}
button{padding:.55rem 1.1rem;border:0;border-radius:8px;background:#2457d6;color:#fff;font-size:.95rem;cursor:pointer}
form.send button,form.sign-in button{margin-top:1.25rem}
button.small{padding:.25rem .55rem;font-size:.8rem;margin:.1rem;background:#e6e9ef;color:#1d2330}
button.small.danger{background:#fdecec;color:#8a1c1c}
.error{background:#fdecec;color:#8a1c1c;border-radius:8px;padding:.7rem .9rem;margin:1rem 0}
.notice{background:#e8f5ec;color:#1c5b33;border-radius:8px;padding:.7rem .9rem;margin:1rem 0}
.badge{display:inline-block;border-radius:999px;padding:.1rem .55rem;font-size:.8rem;font-weight:600;background:#e6e9ef}
.badge.succeeded{background:#dff3e5;color:#1c5b33}.badge.failed{background:#fdecec;color:#8a1c1c}
.badge.pending,.badge.delivering{background:#fff4d6;color:#7a5600}.badge.converged{background:#e3ecff;color:#1f3f99}
.badge.accepted,.badge.completed{background:#daf3f3;color:#125b5b}.badge.active{background:#dff3e5;color:#1c5b33}.badge.suspended,.badge.archived{background:#fff4d6;color:#7a5600}
dl{display:grid;grid-template-columns:12rem 1fr;gap:.35rem 1rem;margin:0}
dt{color:#5b6474}dd{margin:0;word-break:break-word}
pre{background:#f7f8fa;border-radius:8px;padding:.8rem;overflow:auto;font-size:.8rem;max-height:24rem}
progress{width:20rem;height:1rem;vertical-align:middle}
small.live{color:#8a93a3}
code{background:#f0f2f5;padding:.1rem .3rem;border-radius:4px}
`;

export type ConsoleSection = 'users' | 'send' | 'deliveries';

export interface ConsolePage {
  title: string;
  body: Raw;
  /** Signed in: the navigation and the sign-out form (with this CSRF token). */
  csrf?: string;
  section?: ConsoleSection;
  /** A script to run, allowed by the response's CSP nonce. */
  script?: { nonce: string; code: string };
}

const NAV: readonly [ConsoleSection, string, string][] = [
  ['users', 'Users', '/admin/console/users'],
  ['send', 'Send a command', '/admin/console/send'],
  ['deliveries', 'Deliveries', '/admin/console/deliveries'],
];

/** The admin console's page frame: header with navigation when signed in, one main column. */
export function consoleLayout(page: ConsolePage): string {
  const header =
    page.csrf === undefined
      ? html`<header><strong>oidc-ref OP · admin console</strong></header>`
      : html`<header><strong>oidc-ref OP · admin console</strong><nav>${NAV.map(
          ([section, label, href]) => html`<a href="${href}"${new Raw(page.section === section ? ' aria-current="page"' : '')}>${label}</a>`,
        )}</nav><form method="post" action="/admin/console/sign-out"><input type="hidden" name="csrf" value="${page.csrf}"><button type="submit">Sign out</button></form></header>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} · oidc-ref OP admin</title>
<style>${new Raw(STYLE)}</style>
</head>
<body>${header}<main${new Raw(page.csrf === undefined ? ' class="narrow"' : '')}>${page.body}</main>${
    page.script === undefined ? '' : html`<script nonce="${page.script.nonce}">${new Raw(page.script.code)}</script>`
  }</body>
</html>`.value;
}
