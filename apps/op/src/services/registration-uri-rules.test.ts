import {
  frontchannelLogoutUriProblem,
  httpsUriProblem,
  isLoopbackHost,
  redirectUriProblem,
  serviceUriProblem,
  webPageUriProblem,
  type RedirectUriContext,
} from './registration-uri-rules.js';

const web: RedirectUriContext = { applicationType: 'web', usesImplicit: false, confidential: true, allowInsecureLoopback: false };
const native: RedirectUriContext = { ...web, applicationType: 'native', confidential: false };

describe('isLoopbackHost', () => {
  it('knows localhost and the loopback literals, nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['127.0.0.2', 'localhost.example', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('redirectUriProblem', () => {
  it.each<[string, RedirectUriContext, boolean]>([
    ['https://rp.example/cb?x=1', web, true],
    ['https://localhost/cb', web, true],
    ['https://localhost/cb', { ...web, usesImplicit: true }, false],
    ['http://localhost:3000/cb', web, false],
    ['http://localhost:3000/cb', { ...web, allowInsecureLoopback: true }, true],
    ['http://localhost:3000/cb', { ...web, allowInsecureLoopback: true, confidential: false }, false],
    ['http://rp.example/cb', { ...web, allowInsecureLoopback: true }, false],
    ['com.example.app:/cb', web, false],
    ['com.example.app:/cb', native, true],
    ['http://127.0.0.1:51234/cb', native, true],
    ['http://[::1]/cb', { ...native, usesImplicit: true }, true],
    ['https://rp.example/cb', native, false],
    ['http://rp.example/cb', native, false],
    ['javascript:alert(1)', native, false],
    ['vbscript:x', native, false],
    ['file:///etc/passwd', native, false],
    ['https://rp.example/cb#', web, false],
    ['https://a:b@rp.example/cb', web, false],
    ['not a uri', web, false],
  ])('%s (%o) → allowed: %s', (uri, context, allowed) => {
    expect(redirectUriProblem(uri, context) === undefined).toBe(allowed);
  });
});

describe('serviceUriProblem', () => {
  it('wants https; http only on loopback of a development OP; no loopback in production', () => {
    expect(serviceUriProblem('https://rp.example/jwks', false)).toBeUndefined();
    expect(serviceUriProblem('http://rp.example/jwks', true)).toMatch(/https/);
    expect(serviceUriProblem('http://localhost:3000/jwks', true)).toBeUndefined();
    expect(serviceUriProblem('http://localhost:3000/jwks', false)).toMatch(/loopback/);
    expect(serviceUriProblem('https://[::1]/jwks', false)).toMatch(/loopback/);
    expect(serviceUriProblem('https://rp.example/jwks#x', false)).toMatch(/fragment/);
  });
});

describe('other URI rules', () => {
  it('web pages are http(s) only', () => {
    expect(webPageUriProblem('https://rp.example/logo.png')).toBeUndefined();
    expect(webPageUriProblem('data:image/png;base64,xx')).toMatch(/https/);
  });

  it('initiate_login_uri and request_uris need https; request_uris may carry a fragment', () => {
    expect(httpsUriProblem('http://rp.example/login')).toMatch(/https/);
    expect(httpsUriProblem('https://rp.example/r#hash')).toMatch(/fragment/);
    expect(httpsUriProblem('https://rp.example/r#hash', { fragmentAllowed: true })).toBeUndefined();
  });

  it('frontchannel_logout_uri shares scheme, host and port with a redirect URI', () => {
    const redirects = ['https://rp.example/cb', 'http://localhost:3000/cb'];
    expect(frontchannelLogoutUriProblem('https://rp.example/logout', redirects)).toBeUndefined();
    expect(frontchannelLogoutUriProblem('http://localhost:3000/fc', redirects)).toBeUndefined();
    expect(frontchannelLogoutUriProblem('http://localhost:3001/fc', redirects)).toMatch(/scheme, host and port/);
    expect(frontchannelLogoutUriProblem('http://rp.example/logout', redirects)).toMatch(/scheme, host and port/);
  });
});
