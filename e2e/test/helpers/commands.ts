// OpenID Provider Commands across both apps: the OP's admin API, tokens signed in the test
// with the OP's own key (for malformed tokens the OP never sends), raw posts to the RP's
// per-tenant command endpoint, database reads, and test-local command receivers.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeySet, generateSigningKey, type StoredSigningKey } from '@oidc-ref/crypto';
import type { Stack } from '@oidc-ref/stack';
import { Client } from 'pg';
import { CLIENT_ID } from './oidc.js';

/**
 * Delivery states after which the worker never touches a row again (docs/commands.md);
 * `completed`: an `accepted` async command whose result came back through the callback.
 */
export const FINAL_STATUSES = ['succeeded', 'accepted', 'completed', 'converged', 'failed'] as const;

export interface Delivery {
  id: string;
  /** `command`, or `backchannel_logout` (logout tokens share the outbox). */
  kind: string;
  client_id: string;
  command: string;
  tenant: string;
  sub: string | null;
  /** Back-channel logout rows: the ended OP session. */
  sid?: string | null;
  claims: Record<string, unknown> | null;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  last_response: Record<string, unknown> | null;
  completed_at: string | null;
}

/** A request to the OP's admin JSON API with the stack's admin token. */
export async function adminApi(stack: Stack, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.opUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.adminToken}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export interface SendInput {
  command: string;
  tenant: string;
  sub?: string;
  claims?: Record<string, unknown>;
  client_id?: string;
  /** `migrate` only: `op` or `op_migration`. */
  authentication_provider?: string;
}

/** `POST /admin/commands`; expects 202 and returns the new delivery. */
export async function enqueue(stack: Stack, input: SendInput): Promise<Delivery> {
  const answer = await adminApi(stack, 'POST', '/admin/commands', { client_id: CLIENT_ID, ...input });
  if (answer.status !== 202) throw new Error(`enqueue ${input.command} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as unknown as Delivery;
}

export async function delivery(stack: Stack, id: string): Promise<Delivery> {
  const answer = await adminApi(stack, 'GET', `/admin/commands/${encodeURIComponent(id)}`);
  if (answer.status !== 200) throw new Error(`GET /admin/commands/${id} answered ${answer.status}`);
  return answer.body as unknown as Delivery;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `predicate` holds for the delivery (default: a final status); throws after `timeoutMs`. */
export async function waitForDelivery(
  stack: Stack,
  id: string,
  predicate: (d: Delivery) => boolean = (d) => (FINAL_STATUSES as readonly string[]).includes(d.status),
  timeoutMs = 30_000,
): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  let last: Delivery | undefined;
  while (Date.now() < deadline) {
    last = await delivery(stack, id);
    if (predicate(last)) return last;
    await sleep(100);
  }
  throw new Error(`delivery ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** Enqueues a command through the OP and waits for its final state. */
export async function sendAndWait(stack: Stack, input: SendInput): Promise<Delivery> {
  const queued = await enqueue(stack, input);
  return waitForDelivery(stack, queued.id);
}

/** Runs `fn` with a pg client on `url`. */
export async function withDb<T>(url: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** The OP user id (= `sub`, public subject identifiers) of `email`. */
export async function opUserId(stack: Stack, email: string): Promise<string> {
  return withDb(stack.opDatabaseUrl, async (db) => {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]);
    if (!rows[0]) throw new Error(`no OP user ${email}`);
    return rows[0].id;
  });
}

/** The RP's account row for `sub`, or undefined. */
export async function rpAccount(stack: Stack, sub: string): Promise<{ id: string; state: string; tenant: string } | undefined> {
  return withDb(stack.rpDatabaseUrl, async (db) => {
    const { rows } = await db.query<{ id: string; state: string; tenant: string }>(
      'SELECT a.id, a.state, t.external_id AS tenant FROM accounts a JOIN tenants t ON t.id = a.tenant_id WHERE a.sub = $1',
      [sub],
    );
    return rows[0];
  });
}

/** The number of RP sessions signed in to the account of `sub`. */
export async function rpSessionCount(stack: Stack, sub: string): Promise<number> {
  return withDb(stack.rpDatabaseUrl, async (db) => {
    const { rows } = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.sub = $1',
      [sub],
    );
    return Number(rows[0]!.n);
  });
}

/** The number of command-token jtis the RP has accepted (its replay table). */
export async function rpAcceptedJtis(stack: Stack): Promise<number> {
  return withDb(stack.rpDatabaseUrl, async (db) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM command_jtis')).rows[0]!.n));
}

/** The OP's active RS256 signing key from its database, as a KeySet that signs like the OP. */
export async function opSigningKeys(stack: Stack): Promise<KeySet> {
  const rows = await withDb(stack.opDatabaseUrl, async (db) =>
    (
      await db.query<{ kid: string; alg: string; status: string; private_jwk: unknown; public_jwk: unknown }>(
        "SELECT kid, alg, status, private_jwk, public_jwk FROM signing_keys WHERE status = 'active' AND alg = 'RS256' ORDER BY created_at DESC LIMIT 1",
      )
    ).rows,
  );
  if (!rows[0]) throw new Error('the OP has no active RS256 key');
  const row = rows[0];
  return KeySet.load([
    { kid: row.kid, alg: row.alg, status: 'active', privateJwk: row.private_jwk, publicJwk: row.public_jwk } as unknown as StoredSigningKey,
  ]);
}

/** A key the OP never had (for an unknown `iss`). */
export async function foreignKeys(): Promise<KeySet> {
  return KeySet.load([await generateSigningKey('RS256')]);
}

export const commandEndpointOf = (stack: Stack, tenant: string) => `${stack.rpUrl}/commands/${encodeURIComponent(tenant)}`;
export const newJti = () => randomBytes(12).toString('base64url');

/** Command token claims as the OP mints them for `tenant` at the demo RP; `extra` overrides or adds. */
export function commandClaims(stack: Stack, tenant: string, command: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: stack.opUrl,
    aud: commandEndpointOf(stack, tenant),
    client_id: CLIENT_ID,
    iat: now,
    exp: now + 60,
    jti: newJti(),
    command,
    tenant,
    ...extra,
  };
}

export interface RpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json?: Record<string, unknown>;
}

/** POSTs a form to an RP command endpoint, as the OP would. */
export async function postCommand(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<RpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/event-stream', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') json = JSON.parse(text) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, ...(json && { json }) };
}

/** Signs `claims` with `keys` (typ `command+jwt` unless `typ` says otherwise; `null`: no typ) and posts it to `aud`'s endpoint. */
export async function signAndPost(
  keys: KeySet,
  claims: Record<string, unknown>,
  options: { typ?: string | null; url?: string; headers?: Record<string, string> } = {},
): Promise<RpAnswer> {
  const typ = options.typ === undefined ? 'command+jwt' : options.typ;
  const token = await keys.sign(claims, typ === null ? {} : { typ });
  const url = options.url ?? (typeof claims['aud'] === 'string' ? claims['aud'] : '');
  return postCommand(url, { command_token: token }, options.headers);
}

export interface SseEvent {
  id?: string;
  event?: string;
  /** The raw `data:` lines. */
  dataLines: string[];
}

/** Parses a complete `text/event-stream` body into events (blank-line separated). */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    const event: SseEvent = { dataLines: [] };
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const index = line.indexOf(':');
      const field = index === -1 ? line : line.slice(0, index);
      const value = index === -1 ? '' : line.slice(index + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') event.dataLines.push(value);
    }
    if (event.id === undefined && event.event === undefined && event.dataLines.length === 0) continue;
    events.push(event);
  }
  return events;
}

export interface ReceivedCommand {
  url: string;
  headers: IncomingMessage['headers'];
  token: string;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: ReceivedCommand[];
  close(): Promise<void>;
}

/**
 * A test-local Command Endpoint: records every request's form `command_token` and headers,
 * then lets `answer` respond (default 200 with a JSON body echoing sub and an active state).
 */
export async function startReceiver(answer: (req: ReceivedCommand, res: ServerResponse, index: number) => void | Promise<void>): Promise<Receiver> {
  const received: ReceivedCommand[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('command_token') ?? '';
      const entry = { url: req.url ?? '', headers: req.headers, token };
      received.push(entry);
      Promise.resolve(answer(entry, res, received.length - 1)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Points the demo RP's command endpoint for `tenant` at `url` (admin API). */
export async function routeTenantTo(stack: Stack, tenant: string, url: string): Promise<void> {
  const answer = await adminApi(stack, 'PUT', `/admin/clients/${CLIENT_ID}/command-endpoints/${encodeURIComponent(tenant)}`, { command_endpoint: url });
  if (answer.status !== 200) throw new Error(`PUT command-endpoints/${tenant} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}
