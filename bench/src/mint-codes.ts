import { createHash, randomBytes } from 'node:crypto';
import { Browser, signInAtOp } from '@oidc-ref/test-kit';

export interface FrontChannel {
  /** Where authorization requests go, e.g. http://127.0.0.1:4000/authorize. */
  authorizationEndpoint: string;
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  user: { email: string; password: string };
}

export interface MintedCode {
  code: string;
  verifier: string;
}

/**
 * Gets `count` fresh authorization codes by driving the provider's real front channel, as a
 * browser would: each of `concurrency` cookie-jar browsers signs in once (login form, email +
 * password + csrf), then sends one authorization request (PKCE S256, state, nonce) per code and
 * reads the code from the redirect.
 */
export async function mintCodes(target: FrontChannel, count: number, concurrency: number): Promise<MintedCode[]> {
  const codes: MintedCode[] = [];
  let started = 0;
  const worker = async () => {
    const browser = new Browser();
    while (started < count) {
      started += 1;
      codes.push(await mintOne(browser, target));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return codes;
}

async function mintOne(browser: Browser, target: FrontChannel): Promise<MintedCode> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(target.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: target.clientId,
    redirect_uri: target.redirectUri,
    scope: target.scope,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const result = await signInAtOp(browser, url.href, target.user);
  if (!result.url.startsWith(target.redirectUri)) {
    throw new Error(`no redirect to the client from ${url.origin} (stopped at ${result.url}, HTTP ${result.response.status}):\n${(result.html ?? '').slice(0, 400)}`);
  }
  const params = new URL(result.url).searchParams;
  const code = params.get('code');
  if (!code) throw new Error(`authorization failed at ${url.origin}: ${params.get('error')} ${params.get('error_description') ?? ''}`);
  if (params.get('state') !== state) throw new Error(`state mismatch in the response from ${url.origin}`);
  if (params.get('iss') !== null && params.get('iss') !== target.issuer) throw new Error(`iss mismatch in the response from ${url.origin}`);
  return { code, verifier };
}
