import { html, Raw } from '../html.js';
import { consoleLayout } from './console-layout.js';

export interface ConsoleClientView {
  id: string;
  name: string;
  commandEndpoint: string | null;
  tenants: Record<string, string>;
}

export interface SendFormValues {
  client_id?: string;
  command?: string;
  tenant?: string;
  sub?: string;
  claims?: string;
}

const selected = (on: boolean) => new Raw(on ? ' selected' : '');

/** The "send a command" form: any command, for a user (`sub`) or a tenant, to any RP with a command endpoint. */
export function consoleSendPage(input: {
  clients: readonly ConsoleClientView[];
  commands: readonly string[];
  csrf: string;
  values?: SendFormValues;
  error?: string;
}): string {
  const values = input.values ?? {};
  const tenants = [...new Set(input.clients.flatMap((client) => Object.keys(client.tenants)).concat('personal'))].sort();
  return consoleLayout({
    title: 'Send a command',
    section: 'send',
    csrf: input.csrf,
    body: html`<h1>Send a command</h1>
<p class="sub">The command goes through the outbox: it is delivered (and retried) by the worker; follow it on the deliveries page.</p>
${input.error === undefined ? '' : html`<p class="error" role="alert">${input.error}</p>`}
${input.clients.length === 0 ? html`<p class="error">No client has a command endpoint.</p>` : ''}
<form class="send" method="post" action="/admin/console/send">
<input type="hidden" name="csrf" value="${input.csrf}">
<label for="client_id">Relying party</label>
<select id="client_id" name="client_id" required>${input.clients.map(
      (client) => html`<option value="${client.id}"${selected(values.client_id === client.id)}>${client.name} (${client.id})</option>`,
    )}</select>
<label for="command">Command</label>
<select id="command" name="command" required>${input.commands.map(
      (command) => html`<option value="${command}"${selected(values.command === command)}>${command}</option>`,
    )}</select>
<label for="tenant">Tenant</label>
<input type="text" id="tenant" name="tenant" list="tenants" required value="${values.tenant ?? ''}">
<datalist id="tenants">${tenants.map((tenant) => html`<option value="${tenant}">`)}</datalist>
<label for="sub">Subject (<code>sub</code>; account commands only)</label>
<input type="text" id="sub" name="sub" value="${values.sub ?? ''}">
<label for="claims">Claims (JSON object; <code>activate</code> / <code>maintain</code> only)</label>
<textarea id="claims" name="claims" placeholder='{"email":"jane@example.org","given_name":"Jane"}'>${values.claims ?? ''}</textarea>
<button type="submit">Send</button>
</form>`,
  });
}
