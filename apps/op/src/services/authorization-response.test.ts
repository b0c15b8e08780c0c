import { InvalidRequest } from '../errors.js';
import { authorizationErrorUrl, authorizationResponseUrl, deliverAuthorizationResponse, formActionSource } from './authorization-response.js';

const target = { redirectUri: 'https://rp.test/cb?tenant=a', mode: 'query' as const, state: 's&1', issuer: 'https://op.test' };

it('keeps the redirect URI query and adds state and iss', () => {
  const url = new URL(authorizationResponseUrl(target, { code: 'abc' }));
  expect(url.searchParams.get('tenant')).toBe('a');
  expect(url.searchParams.get('code')).toBe('abc');
  expect(url.searchParams.get('state')).toBe('s&1');
  expect(url.searchParams.get('iss')).toBe('https://op.test');
});

it('uses the fragment in fragment mode', () => {
  const url = new URL(authorizationResponseUrl({ ...target, mode: 'fragment' }, { code: 'abc' }));
  expect(url.searchParams.get('code')).toBeNull();
  expect(new URLSearchParams(url.hash.slice(1)).get('code')).toBe('abc');
});

it('leaves state out when none was sent and strips characters RFC 6749 forbids in errors', () => {
  const url = new URL(authorizationErrorUrl({ ...target, state: undefined }, new InvalidRequest('bad "value"\n\\here')));
  expect(url.searchParams.has('state')).toBe(false);
  expect(url.searchParams.get('error')).toBe('invalid_request');
  expect(url.searchParams.get('error_description')).toBe('bad valuehere');
});

describe('deliverAuthorizationResponse', () => {
  const fakeResponse = () => {
    const res = {
      headers: {} as Record<string, string>,
      statusCode: 0,
      body: '',
      location: '',
      set(name: string, value: string) {
        this.headers[name.toLowerCase()] = value;
        return this;
      },
      status(code: number) {
        this.statusCode = code;
        return this;
      },
      type(value: string) {
        this.headers['content-type'] = value;
        return this;
      },
      send(body: string) {
        this.body = body;
        return this;
      },
      redirect(code: number, url: string) {
        this.statusCode = code;
        this.location = url;
      },
    };
    return res;
  };

  it('redirects with 303 for query and fragment', () => {
    const res = fakeResponse();
    deliverAuthorizationResponse(res as never, target, { code: 'abc' });
    expect(res.statusCode).toBe(303);
    expect(new URL(res.location).searchParams.get('code')).toBe('abc');
  });

  it('answers form_post with a no-store page whose only script is allowed by a fresh nonce', () => {
    const res = fakeResponse();
    deliverAuthorizationResponse(res as never, { ...target, mode: 'form_post' }, { code: 'abc' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    const csp = res.headers['content-security-policy']!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe(`script-src 'nonce-${nonce}'`);
    expect(csp).toContain('form-action https://rp.test');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.body).toContain(`<script nonce="${nonce}">`);
    expect(res.body).toContain('name="iss" value="https://op.test"');
    expect(res.body).toContain('name="state" value="s&amp;1"');
    const again = fakeResponse();
    deliverAuthorizationResponse(again as never, { ...target, mode: 'form_post' }, { code: 'abc' });
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });
});

it('allows a custom-scheme redirect URI by its scheme in form-action', () => {
  expect(formActionSource('com.example.app:/cb')).toBe('com.example.app:');
  expect(formActionSource('https://rp.test:8443/cb?x=1')).toBe('https://rp.test:8443');
});
