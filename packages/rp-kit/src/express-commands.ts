import type { IncomingMessage, ServerResponse } from 'node:http';

import { readFormField, sendNoStore } from './form-field.js';
import { applyAccountCommand, runTenantCommand } from './commands/apply.js';
import { CommandError, invalidRequest } from './commands/errors.js';
import { ACCOUNT_COMMANDS, TENANT_COMMANDS, isStreamingCommand } from './commands/names.js';
import { SseBatchWriter, writeEvent } from './commands/sse.js';
import type { AccountStore, CommandContext } from './commands/store.js';
import { verifyCommandToken } from './commands/verify.js';
import type { CommandProvider, ReplayStore, VerifiedCommand } from './commands/verify.js';

type MaybePromise<T> = T | Promise<T>;

/** Everything a command endpoint needs, resolved per request (a multi-tenant RP varies all of it). */
export interface CommandEndpointOptions<Req extends IncomingMessage = IncomingMessage> {
  /** The absolute URL this request was sent to; the token's `aud` must equal it. */
  endpointUrl(req: Req): MaybePromise<string>;
  /** The OP for an `iss` (and this request), or `undefined` → 401 `unrecognized_provider`. */
  providers(iss: string, req: Req): MaybePromise<CommandProvider | undefined>;
  replay: ReplayStore;
  store: AccountStore | ((req: Req) => MaybePromise<AccountStore>);
  /**
   * Checks a verified command against the request before it runs, e.g. that `tenant` is the
   * RP tenant the URL names. Throw a {@link CommandError} to refuse it.
   */
  authorize?(command: VerifiedCommand, req: Req): MaybePromise<void>;
  /** Commands offered to this OP tenant. Default: every draft 02 command. `metadata` is always in. */
  commandsSupported?(ctx: CommandContext, req: Req): MaybePromise<readonly string[]>;
  /** Extra members of the `metadata` response (`client_name`, `roles`, `aud_sub_required`, …). */
  metadataResponse?(ctx: CommandContext, req: Req): MaybePromise<Record<string, unknown>>;
  /** Called after an `_async` command has been applied and answered 202: send the callback here. */
  onAsyncResult?(command: Extract<VerifiedCommand, { kind: 'account' }>, body: Record<string, unknown>, req: Req): MaybePromise<void>;
  now?: () => Date;
  clockSkewSeconds?: number;
  /** Largest accepted form body, bytes. Default 64 KiB. */
  maxBodyBytes?: number;
}

const ALL_COMMANDS: readonly string[] = [...TENANT_COMMANDS, ...ACCOUNT_COMMANDS, ...ACCOUNT_COMMANDS.map((name) => `${name}_async`)];

/** The form's `command_token` (x-www-form-urlencoded only). */
const readCommandToken = (req: IncomingMessage & { body?: unknown }, maxBytes: number) =>
  readFormField(req, 'command_token', maxBytes, (kind) =>
    invalidRequest(
      kind === 'not_form' ? 'the request must be application/x-www-form-urlencoded' : kind === 'too_large' ? 'the request body is too large' : 'command_token must appear once',
    ),
  );

async function stream(command: Extract<VerifiedCommand, { kind: 'tenant' }>, store: AccountStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  if (req.httpVersionMajor === 1) res.setHeader('Connection', 'keep-alive');
  res.flushHeaders();
  // Events are batched into large chunks and every flush honours backpressure (awaits drain),
  // so a stream of any length holds at most one batch plus the socket buffer in memory.
  const writer = new SseBatchWriter(res);
  let id = 0;
  try {
    for await (const item of runTenantCommand(command.command as Parameters<typeof runTenantCommand>[0], { iss: command.iss, tenant: command.tenant }, store)) {
      if (res.destroyed) return; // the OP went away: stop reading the store
      id += 1;
      const pending = writer.write({ id: String(id), event: item.event, data: item.data });
      if (pending !== undefined) await pending;
    }
    await writer.flush();
  } catch (err) {
    if (res.destroyed || res.writableEnded) return;
    id += 1;
    await writer.flush().catch(() => undefined);
    await writeEvent(res, { id: String(id), event: 'error', data: { error_description: 'the RP could not finish the command' } }).catch(() => undefined);
    res.end();
    throw err;
  }
  res.end();
}

/**
 * The command endpoint as a Node/Express handler: reads the form's `command_token`, verifies
 * it ({@link verifyCommandToken}), applies account commands through the store, answers
 * `metadata`, and streams tenant commands as SSE (`account-state` events, then
 * `command-complete`). Every answer carries `Cache-Control: no-store`; errors are JSON
 * `{ error, error_description }`. Resumption is not offered: a `Last-Event-Id` on a stream gets
 * 404 `last-event-id-unavailable`. Unexpected failures go to `next(err)`.
 */
export function commandEndpoint<Req extends IncomingMessage = IncomingMessage>(
  options: CommandEndpointOptions<Req>,
): (req: Req, res: ServerResponse, next: (error?: unknown) => void) => void {
  async function run(req: Req, res: ServerResponse): Promise<void> {
    const token = await readCommandToken(req, options.maxBodyBytes ?? 65_536);
    const endpoint = await options.endpointUrl(req);
    const command = await verifyCommandToken(token, {
      expectedAudience: endpoint,
      providers: (iss) => options.providers(iss, req),
      replay: options.replay,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: options.clockSkewSeconds }),
    });
    await options.authorize?.(command, req);
    const ctx: CommandContext = { iss: command.iss, tenant: command.tenant };
    const supported = ['metadata', ...((await options.commandsSupported?.(ctx, req)) ?? ALL_COMMANDS).filter((name) => name !== 'metadata')];
    const wanted = command.kind === 'account' && command.async ? `${command.command}_async` : command.command;
    if (command.kind === 'unknown' || !supported.includes(wanted)) throw new CommandError(400, 'unsupported_command', `${command.wireCommand} is not supported`);
    const store = typeof options.store === 'function' ? await options.store(req) : options.store;

    if (command.kind === 'account') {
      const result = await applyAccountCommand(command, store);
      sendNoStore(res, result.status, result.body);
      if (command.async) await options.onAsyncResult?.(command, result.body, req);
      return;
    }
    if (command.command === 'metadata') {
      await store.saveMetadata?.(ctx, command.metadata ?? {}, command.callbackToken);
      const extra = (await options.metadataResponse?.(ctx, req)) ?? {};
      sendNoStore(res, 200, { ...extra, context: ctx, commands_supported: supported, command_endpoint: endpoint, client_id: command.clientId });
      return;
    }
    if (!isStreamingCommand(command.command)) throw new CommandError(400, 'unsupported_command');
    if (req.headers['last-event-id'] !== undefined) throw new CommandError(404, 'last-event-id-unavailable', 'this RP cannot resume streams');
    await stream(command, store, req, res);
  }
  return function commandEndpointStep(req, res, next) {
    run(req, res).catch((err: unknown) => {
      if (err instanceof CommandError && !res.headersSent) {
        sendNoStore(res, err.status, err.body);
        return;
      }
      next(err);
    });
  };
}
