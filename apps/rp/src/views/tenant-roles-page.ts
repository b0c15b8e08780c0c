import { html } from '../lib/html.js';
import type { OpGroup, RoleMapping } from '../lib/role-mapping.js';
import { RP_ROLES } from '../lib/rp-roles.js';
import { layout } from './layout.js';

export interface TenantRolesPageOptions {
  tenant: { name: string; externalId: string };
  /** The groups of the tenant's latest OP metadata. */
  groups: readonly OpGroup[];
  /** The mapping in force (the tenant's own or the default). */
  mapping: RoleMapping;
  /** True when the tenant has no mapping of its own. */
  isDefault: boolean;
  csrfToken: string;
  userLabel: string;
}

/** The tenant admin's OP group → RP role mapping form: one row per group, one checkbox per role. */
export function tenantRolesPage({ tenant, groups, mapping, isDefault, csrfToken, userLabel }: TenantRolesPageOptions): string {
  const published = new Set(groups.map((group) => group.id));
  const rows = [
    ...groups,
    ...Object.keys(mapping)
      .filter((id) => !published.has(id))
      .sort()
      .map((id) => ({ id, display: id, unpublished: true })),
  ].map((group) => {
    const boxes = RP_ROLES.map(
      (role) =>
        html`<label><input type="checkbox" name="m.${group.id}" value="${role.id}"${(Object.hasOwn(mapping, group.id) ? (mapping[group.id] ?? []) : []).includes(role.id) ? html` checked` : ''}> ${role.display}</label> `,
    );
    const note = 'unpublished' in group ? html`<br><span class="muted">not in the OP's latest metadata: grants nothing</span>` : '';
    return html`<tr><th scope="row">${group.display}<br><code>${group.id}</code>${note}</th><td>${boxes}</td></tr>
`;
  });
  const body = html`<h1>Roles for ${tenant.name}</h1>
<section class="card">
<h2>OP groups → RP roles</h2>
<p class="muted">Members of an OP group get the roles ticked here, as long as the OP's latest metadata lists the group.${isDefault ? ' This tenant uses the default mapping.' : ''}</p>
<form method="post" action="/tenant/roles">
<input type="hidden" name="csrf" value="${csrfToken}">
<table>
<tbody>
${rows.length > 0 ? rows : html`<tr><td class="muted">The OP has published no groups for this tenant yet.</td></tr>`}</tbody>
</table>
<p><button type="submit">Save mapping</button> <button class="secondary" type="submit" name="reset" value="default">Use the default mapping</button></p>
</form>
</section>
<p><a href="/account">Back to your account</a></p>`;
  return layout({ title: `Roles for ${tenant.name}`, body, user: { label: userLabel } });
}
