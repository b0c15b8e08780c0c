import { html } from '../lib/html.js';
import { layout } from './layout.js';

export interface HomePageOptions {
  /** Present when signed in. */
  signedIn?: { label: string; tenantName: string; csrfToken: string } | undefined;
}

/** The landing page: a sign-in button, or where you are signed in. */
export function homePage({ signedIn }: HomePageOptions): string {
  const body = signedIn
    ? html`<section class="card">
<h1>Welcome back</h1>
<p>You are signed in as <strong>${signedIn.label}</strong> in <strong>${signedIn.tenantName}</strong>.</p>
<p><a class="button" href="/account">Your account</a>
<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${signedIn.csrfToken}"><button class="secondary" type="submit">Sign out</button></form>
<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${signedIn.csrfToken}"><input type="hidden" name="everywhere" value="1"><button class="secondary" type="submit" title="Also sign out of your identity provider and the other apps you use with it">Sign out everywhere</button></form></p>
</section>`
    : html`<section class="card">
<h1>Sample multi-tenant app</h1>
<p>Sign in with your organisation's identity provider. You will land in your organisation's tenant, or in your personal space.</p>
<p><a class="button" href="/login">Sign in</a></p>
</section>`;
  return layout({ title: 'Home', body, user: signedIn ? { label: signedIn.label } : undefined });
}
