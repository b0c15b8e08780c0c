import request from 'supertest';
import type { Express } from 'express';
import { generateSigningKey, KeySet, randomToken, signJwtWithSecret, type HmacAlg, type SigningAlg, type StoredSigningKey } from '@oidc-ref/crypto';
import { ISSUER } from '../helpers/bootstrap.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client's own key pair: the public JWK to register, and a KeySet to sign assertions with. */
export interface ClientKey {
  stored: StoredSigningKey;
  keys: KeySet;
  publicJwk: Record<string, unknown>;
}

export async function clientKey(alg: SigningAlg): Promise<ClientKey> {
  const stored = await generateSigningKey(alg);
  return { stored, keys: await KeySet.load([stored]), publicJwk: { ...stored.publicJwk } };
}

/** The claims of a good assertion for `clientId` at `now`, with overrides (undefined removes). */
export function assertionClaims(clientId: string, now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: ISSUER, jti: randomToken(16), iat, exp: iat + 60, ...overrides };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

export const signWithKey = (key: ClientKey, claims: Record<string, unknown>) => key.keys.sign(claims, { alg: key.stored.alg });
export const signWithSecret = (secret: string, claims: Record<string, unknown>, alg: HmacAlg = 'HS256') =>
  signJwtWithSecret(claims, secret, { alg });

/** POST /token, client_credentials, authenticating with a client assertion. */
export function tokenWithAssertion(app: Express, assertion: string, form: Record<string, string> = {}) {
  return request(app)
    .post('/token')
    .type('form')
    .send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...form });
}
