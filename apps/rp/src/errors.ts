import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

import { errorPage } from './views/error-page.js';

/**
 * The RP's error codes: a closed set, mapped once to a status and a user-facing message here.
 * They are what `{ error }` carries in JSON responses.
 */
export type AppErrorCode =
  | 'invalid_request'
  | 'login_expired'
  | 'op_error'
  | 'op_unavailable'
  | 'sign_in_failed'
  | 'invalid_csrf'
  | 'tenant_mismatch'
  | 'account_suspended'
  | 'account_archived'
  | 'unauthenticated'
  | 'step_up_failed'
  | 'step_up_wrong_user'
  | 'step_up_unmet'
  | 'step_up_interaction_required'
  | 'forbidden'
  | 'not_found'
  | 'server_error';

interface Entry {
  readonly status: number;
  readonly title: string;
  readonly description: string;
  /** For 401s: the `WWW-Authenticate` challenge (RFC 9110 §15.5.2 requires one). */
  readonly challenge?: string;
}

const CATALOGUE: Readonly<Record<AppErrorCode, Entry>> = {
  invalid_request: {
    status: 400,
    title: 'Bad request',
    description: 'The request could not be understood.',
  },
  login_expired: {
    status: 400,
    title: 'Sign-in expired',
    description: 'This sign-in expired or was already used. Please try again.',
  },
  op_error: {
    status: 400,
    title: 'Sign-in was not completed',
    description: 'The identity provider did not complete the sign-in.',
  },
  op_unavailable: {
    status: 503,
    title: 'Identity provider unreachable',
    description: 'The identity provider is unreachable right now. Please try again in a moment.',
  },
  sign_in_failed: {
    status: 502,
    title: 'Sign-in failed',
    description: "The identity provider's response could not be verified, so you were not signed in.",
  },
  invalid_csrf: {
    status: 403,
    title: 'Request refused',
    description: 'This form is no longer valid. Reload the page and try again.',
  },
  tenant_mismatch: {
    status: 409,
    title: 'Account belongs to another tenant',
    description: 'This account already exists in a different tenant here, so it cannot sign in to this one.',
  },
  account_suspended: {
    status: 403,
    title: 'Account suspended',
    description: 'Your account has been suspended by your organisation, so you cannot sign in here for now. Contact your administrator.',
  },
  account_archived: {
    status: 403,
    title: 'Account archived',
    description: 'Your account has been archived by your organisation and can no longer sign in here. Contact your administrator to restore it.',
  },
  unauthenticated: {
    status: 401,
    title: 'Sign-in required',
    description: 'Sign in to use this.',
    challenge: 'Bearer',
  },
  step_up_failed: {
    status: 403,
    title: 'Stronger sign-in not confirmed',
    description:
      'The identity provider did not confirm the stronger or more recent sign-in this action needs, so the action was not performed. You are still signed in as before.',
  },
  step_up_wrong_user: {
    status: 403,
    title: 'Signed in as someone else',
    description:
      'You confirmed your identity as a different user than the one signed in here. For your safety you have been signed out, and the action was not performed.',
  },
  step_up_unmet: {
    status: 403,
    title: 'Stronger sign-in not available',
    description:
      'This action needs a stronger sign-in (a second factor) that your account cannot provide. Set up a second factor with your identity provider, or ask your administrator. The action was not performed; you are still signed in.',
  },
  step_up_interaction_required: {
    status: 403,
    title: 'Sign-in needed at the identity provider',
    description:
      'The identity provider needs you to sign in again, or to finish a step there, before this action can go ahead. The action was not performed; you are still signed in.',
  },
  forbidden: {
    status: 403,
    title: 'Not allowed',
    description: 'Your account does not have the role this page needs.',
  },
  not_found: {
    status: 404,
    title: 'Not found',
    description: 'There is nothing at this address.',
  },
  server_error: {
    status: 500,
    title: 'Something went wrong',
    description: 'An unexpected error occurred. Please try again later.',
  },
};

export interface AppErrorOptions {
  /** Overrides the catalogue's user-facing description (never put secrets here). */
  description?: string;
  /** For `op_error`: the OP's `error` code and `error_description`, shown escaped. */
  opError?: { error: string; error_description?: string | undefined };
  /**
   * The error page's "Try again" link: a same-site path, or `null` for none (e.g. when trying
   * again cannot help). Default: `/login` for sign-in failures, nothing otherwise.
   */
  retryPath?: string | null;
  /** Logged, never sent. */
  detail?: string;
  cause?: unknown;
}

/** A known failure: its code decides the status and what the user sees. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  readonly description: string;
  readonly opError: AppErrorOptions['opError'];
  readonly retryPath: string | null | undefined;
  readonly detail: string | undefined;

  constructor(
    readonly code: AppErrorCode,
    options: AppErrorOptions = {},
  ) {
    const entry = CATALOGUE[code];
    super(options.description ?? entry.description, { cause: options.cause });
    this.name = 'AppError';
    this.status = entry.status;
    this.title = entry.title;
    this.description = options.description ?? entry.description;
    this.opError = options.opError;
    this.retryPath = options.retryPath;
    this.detail = options.detail;
  }
}

/** What an error becomes on the wire, as JSON and as a page. */
export interface SerializedError {
  status: number;
  /** Response headers beyond the body's (a 401's `WWW-Authenticate`). */
  headers: Record<string, string>;
  body: { error: string; error_description: string };
  page: {
    title: string;
    message: string;
    code: string;
    opError?: { error: string; error_description?: string | undefined };
    retryPath?: string | null;
  };
}

const MAX_OP_TEXT = 300;

function clip(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_OP_TEXT);
}

/**
 * The one serializer: known errors keep their code and message; anything else becomes a
 * generic `server_error` with nothing from the original error in it.
 */
export function serializeError(error: unknown): SerializedError {
  const known = toAppError(error);
  const opError = known.opError
    ? { error: clip(known.opError.error) ?? '', error_description: clip(known.opError.error_description) }
    : undefined;
  const description = opError
    ? `${known.description} (${opError.error}${opError.error_description ? `: ${opError.error_description}` : ''})`
    : known.description;
  const challenge = CATALOGUE[known.code].challenge;
  return {
    status: known.status,
    headers: challenge ? { 'WWW-Authenticate': challenge } : {},
    body: { error: known.code, error_description: description },
    page: {
      title: known.title,
      message: known.description,
      code: known.code,
      ...(opError ? { opError } : {}),
      ...(known.retryPath === undefined ? {} : { retryPath: known.retryPath }),
    },
  };
}

/** Body-parser and other http-errors style failures with a 4xx status are the client's fault. */
function isClientHttpError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isClientHttpError(error)) return new AppError('invalid_request');
  return new AppError('server_error');
}

/** The JSON API (`/api/…`) always answers JSON; elsewhere the `Accept` header decides. */
function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

function send(req: Request, res: Response, serialized: SerializedError): void {
  res.status(serialized.status);
  res.set(serialized.headers);
  res.set('Cache-Control', 'no-store');
  if (wantsJson(req)) {
    res.json(serialized.body);
  } else {
    res.type('html').send(errorPage(serialized.page));
  }
}

/**
 * The one error middleware, registered after every route. Known errors are logged at `warn`
 * with their (never sent) detail; unknown ones at `error` with their cause.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const serialized = serializeError(error);
    if (error instanceof AppError) {
      logger.warn(
        { code: error.code, detail: error.detail, cause: describeCause(error.cause), method: req.method, path: req.path },
        'request failed',
      );
    } else if (serialized.body.error === 'invalid_request') {
      logger.info({ err: error, method: req.method, path: req.path }, 'invalid request');
    } else {
      logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
    }
    send(req, res, serialized);
  };
}

/** The 404 for anything no route answered: a page for browsers, JSON for API clients. */
export const notFound: RequestHandler = (req, res) => {
  send(req, res, serializeError(new AppError('not_found')));
};

/**
 * A loggable summary of a cause: name, code and message, plus the same for its own cause
 * (e.g. `fetch failed` ← `connect ECONNREFUSED`). Never bodies, parameters or tokens.
 */
export function describeCause(cause: unknown, depth = 0): CauseSummary | undefined {
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  const inner = depth < 1 ? describeCause(cause.cause, depth + 1) : undefined;
  return {
    name: cause.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: cause.message,
    ...(inner ? { cause: inner } : {}),
  };
}

export interface CauseSummary {
  name: string;
  code?: string;
  message: string;
  cause?: CauseSummary;
}
