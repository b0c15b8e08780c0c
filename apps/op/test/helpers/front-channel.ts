// Helpers for the authorization endpoint's responses in every response mode.
import request from 'supertest';
import type { Express } from 'express';
import { generateSigningKey, KeySet, signJwtWithSecret, type SigningAlg, type StoredSigningKey } from '@oidc-ref/crypto';
import type { ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { Repositories } from '../../src/repositories/index.js';
import type { Agent } from './browser.js';
import { csrfFrom } from './browser.js';
import { createClient, TEST_PASSWORD, type ClientOverrides } from './factories.js';

export const ALL_RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];

/** A client registered for every response type (and so for the implicit grant). */
export function createFrontChannelClient(repos: Repositories, overrides: ClientOverrides = {}): Promise<ClientRecord> {
  return createClient(repos, {
    ...overrides,
    metadata: {
      response_types: ALL_RESPONSE_TYPES,
      grant_types: ['authorization_code', 'implicit', 'refresh_token'],
      ...overrides.metadata,
    } as ClientMetadataInput,
  });
}

export interface DeliveredResponse {
  mode: 'query' | 'fragment' | 'form_post';
  /** The redirect URI (query/fragment: without the response parameters; form_post: the form action). */
  target: string;
  params: URLSearchParams;
}

const unescapeHtml = (value: string) =>
  value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Reads an authorization response however it was delivered; throws when it is neither a redirect nor a form_post page. */
export function readAuthorizationResponse(res: request.Response): DeliveredResponse {
  if (res.status === 303) {
    const url = new URL(res.headers.location as string);
    if (url.hash) {
      const params = new URLSearchParams(url.hash.slice(1));
      url.hash = '';
      return { mode: 'fragment', target: url.toString(), params };
    }
    const params = new URLSearchParams(url.searchParams);
    return { mode: 'query', target: `${url.origin}${url.pathname}`, params };
  }
  const form = /<form method="post" action="([^"]*)">/.exec(res.text);
  if (res.status !== 200 || !form) throw new Error(`not an authorization response: ${res.status} ${res.headers.location ?? ''}`);
  const params = new URLSearchParams();
  for (const [, name, value] of res.text.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    params.append(unescapeHtml(name!), unescapeHtml(value!));
  }
  return { mode: 'form_post', target: unescapeHtml(form[1]!), params };
}

/**
 * Drives the front channel like signIn (login, then consent when shown) and returns the final
 * response, whatever its mode.
 */
export async function authorizeAndSignIn(
  agent: Agent,
  query: Record<string, string>,
  email: string,
  options: { consent?: 'allow' | 'deny' } = {},
): Promise<request.Response> {
  let res = await agent.get('/authorize').query(query);
  for (let step = 0; step < 6; step++) {
    const location = res.headers.location as string | undefined;
    if (res.status !== 303 || !location?.startsWith('/interaction/')) return res;
    const page = await agent.get(location);
    if (page.status !== 200 || !page.text.includes('name="csrf"')) {
      res = page;
      continue;
    }
    const csrf = csrfFrom(page.text);
    res = page.text.includes('/login"')
      ? await agent.post(`${location}/login`).type('form').send({ csrf, email, password: TEST_PASSWORD })
      : await agent.post(`${location}/consent`).type('form').send({ csrf, decision: options.consent ?? 'allow' });
  }
  return res;
}

/** A client signing key for request objects: the private half signs, `jwks` is what the client registers. */
export async function clientSigningKey(alg: SigningAlg): Promise<{ key: StoredSigningKey; jwks: { keys: object[] }; sign(payload: object): Promise<string> }> {
  const key = await generateSigningKey(alg);
  const set = await KeySet.load([key]);
  return { key, jwks: { keys: [key.publicJwk] }, sign: (payload) => set.sign(payload as Record<string, unknown>, { alg }) };
}

export const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned (alg none) JWT. */
export const unsignedJwt = (payload: object) => `${base64url({ alg: 'none' })}.${base64url(payload)}.`;

export { signJwtWithSecret };

/** GET /authorize on a fresh agent (no session). */
export const authorizeWithoutSession = (app: Express, query: Record<string, string>) => request(app).get('/authorize').query(query);
