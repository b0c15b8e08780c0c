import type { Request } from 'express';
import { timingSafeEqualString } from '@oidc-ref/crypto';
import { InvalidClient, InvalidRequest } from '../errors.js';
import type { ClientRecord, ClientRepository } from '../repositories/client-repository.js';

export interface ClientCredentials {
  method: 'client_secret_basic' | 'client_secret_post';
  clientId: string;
  clientSecret: string;
}

/**
 * Reads exactly one set of client credentials (RFC 6749 §2.3.1): HTTP Basic, with id and
 * secret form-urlencoded before base64 (so a `:` in either survives), or the form body.
 * Sending both is an error.
 */
export function readClientCredentials(req: Request): ClientCredentials {
  const header = req.headers.authorization;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const inBody = typeof body.client_secret === 'string';
  if (header !== undefined && /^basic /i.test(header)) {
    if (inBody) throw new InvalidRequest('client credentials must be sent one way only');
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new InvalidClient('malformed Basic credentials');
    try {
      return {
        method: 'client_secret_basic',
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw new InvalidClient('malformed Basic credentials');
    }
  }
  if (inBody && typeof body.client_id === 'string') {
    return { method: 'client_secret_post', clientId: body.client_id, clientSecret: body.client_secret as string };
  }
  throw new InvalidClient('client authentication is required');
}

/** Authenticates a confidential client with the method it registered; secrets compared in constant time. */
export async function authenticateClient(req: Request, clients: ClientRepository): Promise<ClientRecord> {
  const credentials = readClientCredentials(req);
  const client = await clients.findById(credentials.clientId);
  const secretOk = client?.secret != null && timingSafeEqualString(credentials.clientSecret, client.secret);
  if (!client || !secretOk) throw new InvalidClient('client authentication failed');
  if (client.tokenEndpointAuthMethod !== credentials.method) {
    throw new InvalidClient(`this client must authenticate with ${client.tokenEndpointAuthMethod}`);
  }
  const bodyClientId = (req.body as Record<string, unknown> | undefined)?.client_id;
  if (credentials.method === 'client_secret_basic' && bodyClientId !== undefined && bodyClientId !== client.id) {
    throw new InvalidClient('client_id does not match the authenticated client');
  }
  return client;
}
