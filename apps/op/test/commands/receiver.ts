import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { verifyJwtWithJwks, type JsonWebKeySet } from '@oidc-ref/crypto';

export interface ReceivedCommand {
  payload: Record<string, unknown>;
  header: Record<string, unknown>;
  /** The `Last-Event-Id` request header (a resumed stream). */
  lastEventId?: string;
}

/** What the receiver answers to one verified command; the test decides. */
export type Answer = { status: number; body?: Record<string, unknown> } | { status: 200; sse: string };

export interface TestReceiver {
  /** The command endpoint: the `aud` every token must carry. */
  url: string;
  port: number;
  received: ReceivedCommand[];
  /** Tokens that failed verification (the test expects none). */
  refused: string[];
  answer: (command: ReceivedCommand, index: number) => Answer;
  close(): Promise<void>;
}

/**
 * A tiny RP command endpoint on 127.0.0.1: verifies each `command_token` against the OP's JWKS
 * (typ `command+jwt`, iss, aud = its own URL) and answers as the test dictates.
 */
export async function startReceiver(options: { issuer: string; jwks: JsonWebKeySet; port?: number }): Promise<TestReceiver> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const receiver: TestReceiver = {
    url: '',
    port: 0,
    received: [],
    refused: [],
    answer: () => ({ status: 204 }),
    close: () => Promise.resolve(),
  };
  app.post('/commands', async (req, res) => {
    const token = (req.body as Record<string, unknown>).command_token;
    try {
      if (typeof token !== 'string') throw new Error('no command_token');
      const { payload, header } = await verifyJwtWithJwks(token, options.jwks, {
        issuer: options.issuer,
        audience: receiver.url,
        typ: 'command+jwt',
        requiredClaims: ['iat', 'exp', 'jti', 'command', 'tenant', 'client_id'],
      });
      const lastEventId = req.get('last-event-id');
      const command: ReceivedCommand = { payload, header: header as unknown as Record<string, unknown>, ...(lastEventId !== undefined && { lastEventId }) };
      receiver.received.push(command);
      const answer = receiver.answer(command, receiver.received.length - 1);
      if ('sse' in answer) res.status(200).type('text/event-stream').send(answer.sse);
      else if (answer.body === undefined) res.status(answer.status).end();
      else res.status(answer.status).json(answer.body);
    } catch (err) {
      receiver.refused.push(err instanceof Error ? err.message : String(err));
      res.status(401).json({ error: 'invalid_token' });
    }
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/commands`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A port that was free a moment ago (for an RP that is "down"). */
export async function freePort(): Promise<number> {
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
