import request from 'supertest';
import type { Express } from 'express';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { pkcePair, TEST_PASSWORD } from './factories.js';

export type Agent = ReturnType<typeof request.agent>;

/** A browser: a supertest agent that keeps cookies. */
export const browser = (app: Express): Agent => request.agent(app);

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf field in page');
  return match[1];
}

export function authorizeQuery(client: ClientRecord, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const query: Record<string, string> = {
    client_id: client.id,
    redirect_uri: client.redirectUris[0]!,
    response_type: 'code',
    scope: 'openid email profile',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  return { query, verifier };
}

/** Parameters of a redirect to the client (query or fragment). */
export function redirectParams(location: string): URLSearchParams {
  const url = new URL(location);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

/**
 * Runs the whole front channel as a user would: authorize → login page → submit password →
 * (consent when shown, allowed) → redirect to the client. Returns the final redirect.
 */
export async function signIn(
  agent: Agent,
  query: Record<string, string>,
  email: string,
  password = TEST_PASSWORD,
): Promise<{ location: string; params: URLSearchParams }> {
  const authorize = await agent.get('/authorize').query(query);
  if (authorize.status !== 303) throw new Error(`authorize answered ${authorize.status}`);
  let location = authorize.headers.location as string;
  for (let step = 0; step < 5 && location.startsWith('/interaction/'); step++) {
    const page = await agent.get(location);
    if (page.status === 303) {
      location = page.headers.location as string;
      continue;
    }
    const csrf = csrfFrom(page.text);
    const posted = page.text.includes('/login"')
      ? await agent.post(`${location}/login`).type('form').send({ csrf, email, password })
      : await agent.post(`${location}/consent`).type('form').send({ csrf, decision: 'allow' });
    if (posted.status !== 303) throw new Error(`interaction answered ${posted.status}`);
    location = posted.headers.location as string;
  }
  return { location, params: redirectParams(location) };
}
