import { html, type Raw } from '../html.js';
import { ANSWER_PREVIEW_CHARS, cellText, type DeliveryView } from './console-delivery-columns.js';
import { consoleLayout } from './console-layout.js';
import { DELIVERIES_LIVE_SCRIPT } from './console-live-scripts.js';

const statusClass = (status: string) => status.replace(/[^a-z]/g, '');

/** One row of the deliveries table (the live script renders the same cells from the JSON). */
export function deliveryRow(d: DeliveryView): Raw {
  return html`<tr data-id="${d.id}">
<td><a href="/admin/console/deliveries/${encodeURIComponent(d.id)}"><code>${d.id.slice(0, 8)}</code></a></td>
<td>${cellText(d['created_at'])}</td>
<td>${cellText(d['client_id'])}</td>
<td>${cellText(d['command'])}</td>
<td>${cellText(d['tenant'])}</td>
<td>${cellText(d['sub'])}</td>
<td><span class="badge ${statusClass(d.status)}">${d.status}</span></td>
<td>${cellText(d['attempts'])}</td>
<td>${cellText(d['last_status'])}</td>
<td class="err">${cellText(d['last_error'], ANSWER_PREVIEW_CHARS)}</td>
<td class="answer">${cellText(d['last_response'], ANSWER_PREVIEW_CHARS)}</td>
</tr>`;
}

/** Recent deliveries, newest first, refreshed every second by a small script (CSP nonce). */
export function consoleDeliveriesPage(input: { deliveries: readonly DeliveryView[]; csrf: string; nonce: string; notice?: string }): string {
  return consoleLayout({
    title: 'Deliveries',
    section: 'deliveries',
    csrf: input.csrf,
    script: { nonce: input.nonce, code: DELIVERIES_LIVE_SCRIPT },
    body: html`<h1>Deliveries</h1>
<p class="sub">Commands in the outbox, newest first, with the RP's last answer. <small class="live" id="live-status">Updates every second.</small></p>
${input.notice === undefined ? '' : html`<p class="notice" role="status">${input.notice}</p>`}
<table>
<thead><tr><th scope="col">Id</th><th scope="col">Created</th><th scope="col">Client</th><th scope="col">Command</th><th scope="col">Tenant</th><th scope="col">sub</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last status</th><th scope="col">Last error</th><th scope="col">Last answer</th></tr></thead>
<tbody id="deliveries-body">${input.deliveries.map(deliveryRow)}</tbody>
</table>`,
  });
}
