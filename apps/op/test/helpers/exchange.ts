import request from 'supertest';
import type { Express } from 'express';
import type { ClientRecord } from '../../src/repositories/client-repository.js';

export const basic = (client: ClientRecord) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret ?? '')}`).toString('base64')}`;

/** POST /token with client_secret_basic. */
export function exchangeCode(app: Express, client: ClientRecord, form: Record<string, string>) {
  return request(app)
    .post('/token')
    .set('Authorization', basic(client))
    .type('form')
    .send({ grant_type: 'authorization_code', redirect_uri: client.redirectUris[0]!, ...form });
}
