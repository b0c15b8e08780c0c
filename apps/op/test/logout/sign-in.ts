import type { Express } from 'express';
import { decodeJwtUnverified } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { authorizeQuery, browser, signIn, type Agent } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';

export interface SignedIn {
  agent: Agent;
  idToken: string;
  refreshToken?: string;
  /** The OP session's id: the ID token's `sid`. */
  sid: string;
}

/** A browser that signs `email` in at `client` (code flow) and redeems the code: its ID token and `sid`. */
export async function signInAt(
  app: Express,
  client: ClientRecord,
  email: string,
  agent: Agent = browser(app),
  extra: Record<string, string> = {},
): Promise<SignedIn> {
  const { query, verifier } = authorizeQuery(client, { scope: 'openid email', ...extra });
  const { params } = await signIn(agent, query, email);
  const code = params.get('code');
  if (!code) throw new Error(`no code: ${params.toString()}`);
  const token = await exchangeCode(app, client, { code, code_verifier: verifier });
  if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}: ${token.text}`);
  const idToken = token.body.id_token as string;
  const sid = decodeJwtUnverified(idToken).payload.sid;
  if (typeof sid !== 'string') throw new Error('the ID token has no sid');
  return { agent, idToken, sid, ...(typeof token.body.refresh_token === 'string' && { refreshToken: token.body.refresh_token as string }) };
}
