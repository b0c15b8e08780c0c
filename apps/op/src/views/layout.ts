import { html, Raw } from './html.js';

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem 2.25rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 .25rem}
p.sub{color:#5b6474;margin:0 0 1.5rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=email],input[type=password],input[type=text]{width:100%;box-sizing:border-box;padding:.6rem .7rem;border:1px solid #c8ced8;border-radius:8px;font-size:1rem}
button{margin-top:1.5rem;padding:.65rem 1.2rem;border:0;border-radius:8px;background:#2457d6;color:#fff;font-size:1rem;cursor:pointer}
button.secondary{background:#e6e9ef;color:#1d2330;margin-left:.5rem}
form.cancel button.secondary{margin:.75rem 0 0}
.error{background:#fdecec;color:#8a1c1c;border-radius:8px;padding:.7rem .9rem;margin:1rem 0}
ul.scopes{padding-left:1.2rem}
code{background:#f0f2f5;padding:.1rem .3rem;border-radius:4px}
footer{font-size:.8rem;color:#8a93a3;margin-top:2rem}
`;

export function layout(title: string, body: Raw): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · oidc-ref OP</title>
<style>${new Raw(STYLE)}</style>
</head>
<body><main>${body}<footer>oidc-ref OpenID Provider</footer></main></body>
</html>`.value;
}
