export type CommandErrorCode = 'ERR_CLAIMS' | 'ERR_TTL' | 'ERR_STREAM' | 'ERR_TRANSPORT';

/** A failure of this package, with a stable `code` to switch on. */
export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CommandError';
  }
}
