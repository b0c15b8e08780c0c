import { formatDate, formatEpochSeconds } from '../lib/format.js';
import { html } from '../lib/html.js';
import { RP_ROLES } from '../lib/rp-roles.js';
import { layout } from './layout.js';

export interface AccountPageOptions {
  account: {
    sub: string;
    email: string | null;
    name: string | null;
    state: string;
    lastLoginAt: Date;
    createdAt: Date;
    authenticationProvider: string;
  };
  /** The account's RP role ids (see RP_ROLES). */
  roles: readonly string[];
  tenant: { name: string; externalId: string; issuer: string; personal: boolean };
  /** The claims of this session's ID token. */
  idTokenClaims: Readonly<Record<string, unknown>>;
  csrfToken: string;
}

const CLAIM_ORDER = ['iss', 'sub', 'aud', 'azp', 'acr', 'amr', 'auth_time', 'iat', 'exp', 'sid', 'tenant', 'tenant_name'];
const TIME_CLAIMS = new Set(['auth_time', 'iat', 'exp', 'nbf', 'updated_at']);
const CLAIM_LABELS: Readonly<Record<string, string>> = {
  iss: 'Issuer',
  sub: 'Subject',
  aud: 'Audience',
  azp: 'Authorized party',
  acr: 'Authentication context (acr)',
  amr: 'Authentication methods (amr)',
  auth_time: 'Authenticated at',
  iat: 'Issued at',
  exp: 'Expires at',
  sid: 'OP session id',
  tenant: 'Tenant',
  tenant_name: 'Tenant name',
  nonce: 'Nonce',
};

/** A claim value as display text: dates for time claims, lists joined, objects as JSON. */
export function formatClaim(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') return `${formatEpochSeconds(value)} (${value})`;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Claim names in display order: the well-known ones first, then the rest alphabetically. */
export function orderClaims(claims: Readonly<Record<string, unknown>>): string[] {
  const known = CLAIM_ORDER.filter((name) => name in claims);
  const rest = Object.keys(claims)
    .filter((name) => !CLAIM_ORDER.includes(name))
    .sort();
  return [...known, ...rest];
}

/** The signed-in user's account, tenant and ID token claims. */
export function accountPage({ account, roles, tenant, idTokenClaims, csrfToken }: AccountPageOptions): string {
  const active = account.state === 'active';
  const roleBadges = RP_ROLES.filter((role) => roles.includes(role.id)).map(
    (role) => html`<span class="badge" data-role="${role.id}" title="${role.description}">${role.display}</span> `,
  );
  const rows = orderClaims(idTokenClaims).map(
    (name) => html`<tr><th scope="row"><code>${name}</code>${
      CLAIM_LABELS[name] ? html`<br><span class="muted">${CLAIM_LABELS[name]}</span>` : ''
    }</th><td>${formatClaim(name, idTokenClaims[name])}</td></tr>
`,
  );
  const body = html`<h1>Your account</h1>
<section class="card">
<h2>Account</h2>
<dl>
<dt>Email</dt><dd>${account.email ?? html`<span class="muted">not shared</span>`}</dd>
<dt>Name</dt><dd>${account.name ?? html`<span class="muted">not shared</span>`}</dd>
<dt>Subject (sub)</dt><dd><code>${account.sub}</code></dd>
<dt>State</dt><dd><span class="badge${active ? '' : ' bad'}" data-state="${account.state}">${account.state}</span></dd>
<dt>Roles</dt><dd>${roleBadges.length > 0 ? roleBadges : html`<span class="muted">none</span>`}</dd>
<dt>Sign-in managed by</dt><dd><code data-authentication-provider="${account.authenticationProvider}">${account.authenticationProvider}</code></dd>
<dt>Last sign-in</dt><dd>${formatDate(account.lastLoginAt)}</dd>
<dt>Member since</dt><dd>${formatDate(account.createdAt)}</dd>
</dl>
</section>
<section class="card">
<h2>Tenant</h2>
<dl>
<dt>Name</dt><dd>${tenant.name}${tenant.personal ? html` <span class="badge">personal</span>` : ''}</dd>
<dt>External id</dt><dd><code>${tenant.externalId}</code></dd>
<dt>Identity provider</dt><dd><code>${tenant.issuer}</code></dd>
</dl>
${roles.includes('admin') ? html`<p><a class="button secondary" href="/tenant/roles">Manage roles</a></p>` : ''}
</section>
<section class="card">
<h2>ID token claims</h2>
<table>
<tbody>
${rows}</tbody>
</table>
</section>
<section class="card">
<h2>Your data</h2>
<p>See everything this app keeps about your account, as JSON. This is a sensitive action: you may be asked to confirm it is you with a stronger sign-in (for example a second factor) at your identity provider.</p>
<p><a class="button" href="/account/export">Export my data</a></p>
</section>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${csrfToken}"><button class="secondary" type="submit">Sign out</button></form>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${csrfToken}"><input type="hidden" name="everywhere" value="1"><button class="secondary" type="submit" title="Also sign out of your identity provider and the other apps you use with it">Sign out everywhere</button></form>`;
  return layout({ title: 'Your account', body, user: { label: account.email ?? account.name ?? account.sub } });
}
