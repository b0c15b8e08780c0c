import { postForm } from './post-form.js';
import { baseCommand, isAccountCommand, targetState, type CommandName } from './commands.js';

/** What the OP should make of an RP's answer to a command (§3, §5, our §2 [rec] on 409). */
export type CommandOutcome =
  | { kind: 'succeeded'; status: number; body?: Record<string, unknown> }
  | { kind: 'accepted'; status: 202 }
  | { kind: 'converged'; status: 409; accountState: string }
  | { kind: 'rejected'; status: number; error: string; errorDescription?: string; accountState?: string }
  | { kind: 'retry'; status?: number; reason: string };

/**
 * Interprets a response. 200 and 204 are success (some frameworks turn an empty 200 into 204);
 * 202 is an accepted async command; a 409 `incompatible_state` already showing the state the
 * command aims for means the RP has converged; other 4xx are permanent; 5xx, 408 and 429 are
 * worth retrying with a fresh token.
 */
export function interpretCommandResponse(command: CommandName, status: number, body: unknown): CommandOutcome {
  const json = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  if (status === 200 || status === 204) return { kind: 'succeeded', status, ...(json && { body: json }) };
  if (status === 202 && command.endsWith('_async')) return { kind: 'accepted', status: 202 };
  if (status >= 500 || status === 408 || status === 429) return { kind: 'retry', status, reason: `the RP answered ${status}` };
  const error = typeof json?.error === 'string' ? json.error : `http_${status}`;
  const accountState = typeof json?.account_state === 'string' ? json.account_state : undefined;
  if (status === 409 && error === 'incompatible_state' && accountState !== undefined && isAccountCommand(command)) {
    const target = targetState(baseCommand(command));
    if (target !== undefined && target === accountState) return { kind: 'converged', status: 409, accountState };
  }
  return {
    kind: 'rejected',
    status,
    error,
    ...(typeof json?.error_description === 'string' && { errorDescription: json.error_description }),
    ...(accountState !== undefined && { accountState }),
  };
}

export interface DeliverOptions {
  commandEndpoint: string;
  token: string;
  command: CommandName;
  /** Sends the request with this `fetch`; without it, `node:http(s)` on a keep-alive agent (less CPU per command). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * POSTs a command token (`application/x-www-form-urlencoded`, parameter `command_token`, §3)
 * and interprets the answer. Network failures and timeouts are `retry` outcomes, never thrown.
 *
 * @example
 * const outcome = await deliverCommand({ commandEndpoint, token, command: 'suspend' });
 * if (outcome.kind === 'retry') scheduleRetry();
 */
export async function deliverCommand(options: DeliverOptions): Promise<CommandOutcome> {
  const form = new URLSearchParams({ command_token: options.token }).toString();
  if (options.fetch === undefined) {
    // No fetch given: node:http on a keep-alive agent (same request and interpretation, less CPU).
    let answer: { status: number; text: string };
    try {
      answer = await postForm(options.commandEndpoint, form, options.timeoutMs ?? 10_000);
    } catch (err) {
      return { kind: 'retry', reason: `delivery failed: ${(err as Error).message}` };
    }
    return interpretCommandResponse(options.command, answer.status, parseJson(answer.text));
  }
  const doFetch = options.fetch;
  let response: Response;
  try {
    response = await doFetch(options.commandEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    return { kind: 'retry', reason: `delivery failed: ${(err as Error).message}` };
  }
  return interpretCommandResponse(options.command, response.status, await readJsonAnswer(response));
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An RP's answer body as JSON, or `undefined` when it is empty, unreadable or not JSON: answers
 * are interpreted by status first, the body only adds detail.
 */
export async function readJsonAnswer(response: Response): Promise<unknown> {
  return parseJson(await response.text().catch(() => ''));
}
