/**
 * A minimal headless browser over real HTTP: a cookie jar scoped by host (as browsers scope
 * cookies: by host, not port), redirects followed by hand so each hop can be asserted, and
 * form posts.
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** GET with the jar's cookies; `headers` may override the default `accept` (HTML), e.g. for a JSON API. */
  async get(url: string, options: { headers?: Record<string, string> } = {}): Promise<Response> {
    return this.request(url, { method: 'GET', ...(options.headers && { headers: options.headers }) });
  }

  async postForm(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Follows redirects from `response` until a non-redirect answer; returns it and the URLs visited. */
  async follow(response: Response, from: string): Promise<{ response: Response; url: string; visited: string[] }> {
    const visited: string[] = [];
    let url = from;
    let current = response;
    for (let hop = 0; hop < 15 && current.status >= 300 && current.status < 400; hop++) {
      url = new URL(current.headers.get('location')!, url).toString();
      visited.push(url);
      current = await this.get(url);
    }
    return { response: current, url, visited };
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const { hostname } = new URL(url);
    const cookies = this.jar.get(hostname);
    const headers = new Headers(init.headers);
    if (cookies && cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml');
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(hostname, response.headers.getSetCookie());
    return response;
  }

  private store(host: string, setCookies: string[]) {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    this.jar.set(host, cookies);
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error(`no csrf field in page:\n${html.slice(0, 500)}`);
  return match[1];
}

export interface OpSignIn {
  email: string;
  password: string;
  /** What to answer on a consent page; default allow. */
  consent?: 'allow' | 'deny';
}

/**
 * Drives the OP's front channel as a person would: opens `authorizeUrl`, submits the login form
 * (and the consent form when one is shown), and follows redirects until the browser leaves the
 * OP. Returns the URL the OP sent the browser to (the client's redirect URI with the response),
 * or the last OP page when it stopped on one (then `response` holds it).
 */
export async function signInAtOp(
  browser: Browser,
  authorizeUrl: string,
  user: OpSignIn,
): Promise<{ url: string; response: Response; html?: string }> {
  const opOrigin = new URL(authorizeUrl).origin;
  let response = await browser.get(authorizeUrl);
  let url = authorizeUrl;
  for (let step = 0; step < 20; step++) {
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location')!, url).toString();
      if (new URL(next).origin !== opOrigin) return { url: next, response };
      url = next;
      response = await browser.get(url);
      continue;
    }
    const html = await response.text();
    if (response.status !== 200 || !url.includes('/interaction/')) return { url, response, html };
    const base = new URL(url).pathname;
    if (html.includes(`${base}/login"`)) {
      response = await browser.postForm(`${opOrigin}${base}/login`, { csrf: csrfFrom(html), email: user.email, password: user.password });
    } else if (html.includes(`${base}/consent"`)) {
      response = await browser.postForm(`${opOrigin}${base}/consent`, { csrf: csrfFrom(html), decision: user.consent ?? 'allow' });
    } else {
      // form_post: the page auto-posts to the client; hand its fields back as a URL.
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (action) return { url: action.replace(/&amp;/g, '&'), response, html };
      return { url, response, html };
    }
    if (response.status !== 303) return { url, response, html: await response.text() };
  }
  throw new Error('too many steps at the OP');
}
