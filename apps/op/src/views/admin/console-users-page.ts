import { html } from '../html.js';
import { consoleLayout } from './console-layout.js';

export interface ConsoleUserView {
  id: string;
  email: string;
  name: string;
  organization: { id: string; name: string } | null;
  status: string | null;
}

/** The lifecycle actions the users page offers, each fanned out to every RP the user signed in to. */
export const USER_ACTIONS = ['suspend', 'reactivate', 'archive', 'restore', 'delete', 'invalidate'] as const;

const DANGER = new Set(['suspend', 'archive', 'delete']);

/** Users with their organisation (the OP tenant of their commands) and one form per lifecycle action. */
export function consoleUsersPage(input: { users: readonly ConsoleUserView[]; csrf: string; notice?: string }): string {
  const rows = input.users.map(
    (user) => html`<tr data-user="${user.id}">
<td>${user.name}<br><small>${user.email}</small></td>
<td>${user.organization === null ? html`<em>personal</em>` : html`${user.organization.name} <small>(<code>${user.organization.id}</code>)</small>`}</td>
<td>${user.status === null ? '' : html`<span class="badge ${user.status.replace(/[^a-z_]/g, '')}">${user.status}</span>`}</td>
<td><code>${user.id}</code></td>
<td>${USER_ACTIONS.map(
      (action) => html`<form method="post" action="/admin/console/users/${encodeURIComponent(user.id)}/actions"><input type="hidden" name="csrf" value="${input.csrf}"><input type="hidden" name="command" value="${action}"><button type="submit" class="small${DANGER.has(action) ? ' danger' : ''}" aria-label="${action} ${user.email}">${action}</button></form>`,
    )}</td>
</tr>`,
  );
  return consoleLayout({
    title: 'Users',
    section: 'users',
    csrf: input.csrf,
    body: html`<h1>Users</h1>
<p class="sub">Each action sends the command to every RP where the user has signed in (tenant: the user's organisation, or <code>personal</code>).</p>
${input.notice === undefined ? '' : html`<p class="notice" role="status">${input.notice}</p>`}
<table>
<thead><tr><th scope="col">User</th><th scope="col">Organisation</th><th scope="col">OP status</th><th scope="col">sub</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows}</tbody>
</table>`,
  });
}
