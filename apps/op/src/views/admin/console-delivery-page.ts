import { html } from '../html.js';
import { cellText, type DeliveryView } from './console-delivery-columns.js';
import { consoleLayout } from './console-layout.js';
import { DELIVERY_LIVE_SCRIPT } from './console-live-scripts.js';

export interface AuditAccountView {
  seq: number;
  sub: string;
  accountState: string;
  authenticationProvider: string | null;
}

const FIELDS: readonly [string, string][] = [
  ['status', 'Status'],
  ['client_id', 'Client'],
  ['command', 'Command'],
  ['tenant', 'Tenant'],
  ['sub', 'sub'],
  ['attempts', 'Attempts'],
  ['next_attempt_at', 'Next attempt'],
  ['last_status', 'Last HTTP status'],
  ['last_error', 'Last error'],
  ['created_at', 'Created'],
  ['completed_at', 'Completed'],
  // Shown when the delivery has them (migrate; async results that came back by callback).
  ['authentication_provider', 'Authentication provider'],
  ['callback_received_at', 'Callback received'],
];

/** Fields shown only when the delivery has a value for them. */
const OPTIONAL_FIELDS = new Set(['authentication_provider', 'callback_received_at']);

const STREAMING = new Set(['audit_tenant', 'suspend_tenant', 'archive_tenant', 'delete_tenant', 'invalidate_tenant']);

/** `account-state` events received so far, and the announced total, from a stream's `last_response`. */
export function streamProgress(lastResponse: unknown): { received: number; total?: number; complete: boolean } | undefined {
  if (typeof lastResponse !== 'object' || lastResponse === null) return undefined;
  const r = lastResponse as Record<string, unknown>;
  if (typeof r['account_events'] !== 'number') return undefined;
  return { received: r['account_events'], ...(typeof r['total_accounts'] === 'number' && { total: r['total_accounts'] }), complete: r['stream'] === 'complete' };
}

function progressLine(d: DeliveryView) {
  const progress = streamProgress(d['last_response']);
  const received = progress?.received ?? 0;
  const total = progress?.total;
  const bar = total === undefined ? html`<progress></progress>` : html`<progress max="${Math.max(total, 1)}" value="${received}"></progress>`;
  return html`<p id="progress">${bar} <span data-progress>${received}${total === undefined ? '' : ` of ${total}`} accounts${progress?.complete ? ' (complete)' : ''}</span></p>`;
}

/**
 * One delivery with the RP's full last answer; a streaming command shows its progress, and
 * `audit_tenant` the first stored accounts. A script refreshes it every second until it is final.
 */
export function consoleDeliveryPage(input: { delivery: DeliveryView; accounts: readonly AuditAccountView[] | null; csrf: string; nonce: string }): string {
  const d = input.delivery;
  const streaming = STREAMING.has(String(d['command']));
  return consoleLayout({
    title: `Delivery ${d.id}`,
    section: 'deliveries',
    csrf: input.csrf,
    script: { nonce: input.nonce, code: DELIVERY_LIVE_SCRIPT },
    body: html`<h1>Delivery <code>${d.id}</code></h1>
<p class="sub"><a href="/admin/console/deliveries">All deliveries</a> · <small class="live" id="live-status">Updates every second until final.</small></p>
<div id="delivery" data-id="${d.id}">
<dl>${FIELDS.filter(([name]) => name in d && (!OPTIONAL_FIELDS.has(name) || d[name] !== null)).map(([name, label]) =>
      name === 'status'
        ? html`<dt>${label}</dt><dd><span class="badge ${d.status.replace(/[^a-z]/g, '')}" data-field="status">${d.status}</span></dd>`
        : html`<dt>${label}</dt><dd data-field="${name}">${cellText(d[name])}</dd>`,
    )}</dl>
${streaming ? html`<h2>Stream progress</h2>${progressLine(d)}` : ''}
<h2>Last answer</h2>
<pre data-field="last_response">${d['last_response'] === null ? '' : JSON.stringify(d['last_response'], null, 2)}</pre>
${'callback_response' in d && String(d['command']).endsWith('_async') ? html`<h2>Asynchronous result (callback)</h2>
<pre data-field="callback_response">${d['callback_response'] === null ? '' : JSON.stringify(d['callback_response'], null, 2)}</pre>` : ''}
<h2>Claims sent</h2>
<pre>${d['claims'] === null ? '(none)' : JSON.stringify(d['claims'], null, 2)}</pre>
${
  d['command'] === 'audit_tenant'
    ? html`<h2>Accounts reported</h2>${
        input.accounts === null
          ? html`<p class="sub">This OP does not store audit results.</p>`
          : html`<table><thead><tr><th scope="col">#</th><th scope="col">sub</th><th scope="col">State</th><th scope="col">Authentication provider</th></tr></thead><tbody id="accounts-body">${input.accounts.map(
              (a) => html`<tr><td>${a.seq}</td><td><code>${a.sub}</code></td><td><span class="badge ${a.accountState.replace(/[^a-z]/g, '')}">${a.accountState}</span></td><td>${a.authenticationProvider ?? ''}</td></tr>`,
            )}</tbody></table>`
      }`
    : ''
}
</div>`,
  });
}
