import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { verifyJwtWithJwks, type JsonWebKeySet } from '@oidc-ref/crypto';

export interface ReceivedLogout {
  token: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  contentType: string | undefined;
}

export interface LogoutReceiver {
  /** The backchannel_logout_uri. */
  url: string;
  port: number;
  received: ReceivedLogout[];
  /** Status to answer for the n-th request (0-based); default 200. */
  answer: (index: number) => number;
  close(): Promise<void>;
}

/**
 * A tiny RP back-channel logout endpoint on 127.0.0.1. It records every `logout_token` with its
 * header and claims after checking the signature against the OP's JWKS and `iss` (the test
 * asserts everything else), and answers what the test dictates.
 */
export async function startLogoutReceiver(options: { issuer: string; jwks: JsonWebKeySet; port?: number; secret?: string }): Promise<LogoutReceiver> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const receiver: LogoutReceiver = { url: '', port: 0, received: [], answer: () => 200, close: () => Promise.resolve() };
  app.post('/backchannel', async (req, res) => {
    const token = (req.body as Record<string, unknown>).logout_token;
    if (typeof token !== 'string') {
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const [h, p] = token.split('.') as [string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    if (typeof header.alg === 'string' && !header.alg.startsWith('HS')) {
      await verifyJwtWithJwks(token, options.jwks, { issuer: options.issuer, typ: 'logout+jwt' });
    }
    receiver.received.push({ token, header, payload, contentType: req.get('content-type') });
    res.set('Cache-Control', 'no-store').status(receiver.answer(receiver.received.length - 1)).end();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/backchannel`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
