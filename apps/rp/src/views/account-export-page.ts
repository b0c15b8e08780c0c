import { formatEpochSeconds } from '../lib/format.js';
import { html } from '../lib/html.js';
import type { AccountExport } from '../services/export-account-data.js';
import { layout } from './layout.js';

export interface AccountExportPageOptions {
  data: AccountExport;
  /** The authentication the export was allowed on (the session's ID token). */
  authentication: { acr?: string | undefined; amr?: string[] | undefined; auth_time?: number | undefined };
}

/** The result of "Export my data": the export document, shown as JSON, and how the user got here. */
export function accountExportPage({ data, authentication }: AccountExportPageOptions): string {
  const label = data.account.email ?? data.account.name ?? data.account.sub;
  const body = html`<h1>Your data</h1>
<section class="card">
<h2>Confirmed sign-in</h2>
<dl>
<dt>Authentication context (acr)</dt><dd><code>${authentication.acr ?? 'none'}</code></dd>
<dt>Methods (amr)</dt><dd>${authentication.amr?.join(', ') ?? html`<span class="muted">not stated</span>`}</dd>
<dt>Authenticated at</dt><dd>${
    authentication.auth_time === undefined ? html`<span class="muted">not stated</span>` : formatEpochSeconds(authentication.auth_time)
  }</dd>
</dl>
</section>
<section class="card">
<h2>Export</h2>
<p class="muted">Everything this app keeps about your account, as JSON. The same document is available to API clients at <code>GET /api/account/export</code>.</p>
<pre><code>${JSON.stringify(data, null, 2)}</code></pre>
</section>
<p><a class="button secondary" href="/account">Back to your account</a></p>`;
  return layout({ title: 'Your data', body, user: { label } });
}
