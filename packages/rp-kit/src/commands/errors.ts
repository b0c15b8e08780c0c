/** Every `error` code a command endpoint answers with (draft 02 §3). */
export type CommandErrorCode =
  | 'invalid_request'
  | 'unrecognized_provider'
  | 'unsupported_command'
  | 'incompatible_state'
  | 'access_denied'
  | 'authentication_not_transferable'
  | 'last-event-id-unavailable';

/**
 * A command endpoint failure, already shaped for the wire: `status` is the HTTP status and
 * {@link CommandError.body} the JSON body. Branch on `error`, never on the message.
 *
 * @example
 * ```ts
 * throw new CommandError(401, 'unrecognized_provider', 'unknown issuer');
 * ```
 */
export class CommandError extends Error {
  readonly status: number;
  readonly error: CommandErrorCode;
  readonly error_description: string | undefined;
  /** Extra members of the body, e.g. `account_state` and `sub` of a 409. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(status: number, error: CommandErrorCode, errorDescription?: string, extra: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(errorDescription ?? error, options);
    this.name = 'CommandError';
    this.status = status;
    this.error = error;
    this.error_description = errorDescription;
    this.extra = extra;
  }

  /** The JSON body: `{ error, error_description?, ...extra }`. */
  get body(): Record<string, unknown> {
    return {
      error: this.error,
      ...(this.error_description === undefined ? {} : { error_description: this.error_description }),
      ...this.extra,
    };
  }
}

export const invalidRequest = (description: string, cause?: unknown): CommandError =>
  new CommandError(400, 'invalid_request', description, {}, { cause });
