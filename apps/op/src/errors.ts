import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { errorPage } from './views/error-page.js';

/**
 * An OAuth / OpenID Connect error. `detail` is logged, never sent. Subclasses are named after
 * their wire code.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly error_description: string,
    readonly status = 400,
    readonly detail?: unknown,
  ) {
    super(`${error}: ${error_description}`);
  }
}

const E = (error: string, status = 400) =>
  class extends OAuthError {
    constructor(description: string, detail?: unknown) {
      super(error, description, status, detail);
    }
  };

export class InvalidRequest extends E('invalid_request') {}
export class InvalidClient extends E('invalid_client', 401) {}
export class InvalidGrant extends E('invalid_grant') {}
export class UnauthorizedClient extends E('unauthorized_client') {}
export class UnsupportedGrantType extends E('unsupported_grant_type') {}
export class UnsupportedResponseType extends E('unsupported_response_type') {}
export class InvalidScope extends E('invalid_scope') {}
export class AccessDenied extends E('access_denied', 403) {}
export class LoginRequired extends E('login_required') {}
export class ConsentRequired extends E('consent_required') {}
export class InvalidToken extends E('invalid_token', 401) {}
export class RequestNotSupported extends E('request_not_supported') {}
export class RequestUriNotSupported extends E('request_uri_not_supported') {}
export class InvalidRedirectUri extends E('invalid_redirect_uri') {}
export class ServerError extends E('server_error', 500) {}
export class InvalidRequestObject extends E('invalid_request_object') {}
export class InvalidClientMetadata extends E('invalid_client_metadata') {}
export class InsufficientScope extends E('insufficient_scope', 403) {}
export class InteractionRequired extends E('interaction_required') {}
export class AccountSelectionRequired extends E('account_selection_required') {}
export class UnmetAuthenticationRequirements extends E('unmet_authentication_requirements') {}
export class RegistrationNotSupported extends E('registration_not_supported') {}
export class TemporarilyUnavailable extends E('temporarily_unavailable', 503) {}
export class UnsupportedTokenType extends E('unsupported_token_type') {}

/**
 * An error shown to the user as a page and never redirected to the client: the client or its
 * redirect_uri could not be trusted (OIDC Core §3.1.2.6, RFC 6749 §4.1.2.1).
 */
export class RenderedError extends OAuthError {}

/** RFC 6749 §4.1.2.1: error and error_description use %x20-21 / %x23-5B / %x5D-7E only. */
export function safeErrorText(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/** The JSON body of an error: `{ error, error_description }`. */
export function errorBody(err: OAuthError): { error: string; error_description: string } {
  return { error: safeErrorText(err.error), error_description: safeErrorText(err.error_description) };
}

function wantsHtml(req: Parameters<RequestHandler>[0]): boolean {
  return (
    req.accepts(['json', 'html']) === 'html' &&
    !req.path.startsWith('/token') &&
    !req.path.startsWith('/userinfo') &&
    !req.path.startsWith('/introspect') &&
    !req.path.startsWith('/revoke') &&
    // RFC 7591: registration errors are JSON, whatever the Accept header says.
    !req.path.startsWith('/register') &&
    // The admin JSON API.
    !req.path.startsWith('/admin')
  );
}

/**
 * What to answer for anything a handler threw, logged the app's one way: a known OAuth error as
 * it is (its `detail` logged at info), a client-side HTTP error of body parsing (malformed or
 * too large) as `invalid_request`, anything else as a generic `server_error` with its cause
 * logged at error. Used by {@link errorHandler} and by the token endpoint, which answers
 * without Express (routes/token.ts).
 */
export function toOAuthError(rawError: unknown, logger: Logger, request: { method: string; path: string }): OAuthError {
  if (rawError instanceof OAuthError) {
    if (rawError.detail !== undefined) logger.info({ err: rawError.detail, code: rawError.error }, 'request rejected');
    return rawError;
  }
  if (isClientHttpError(rawError)) {
    // body-parser and friends: malformed bodies, wrong content types, too large.
    return new InvalidRequest(rawError.expose ? rawError.message : 'the request could not be parsed');
  }
  logger.error({ err: rawError, method: request.method, path: request.path }, 'unexpected error');
  return new ServerError('an unexpected error occurred');
}

/**
 * RFC 6749 §5.2: an `invalid_client` 401 carries a Basic challenge when the client tried the
 * Authorization header (the scheme it used), and only then.
 */
export function basicChallenge(err: OAuthError, authorization: string | undefined): string | undefined {
  return err.error === 'invalid_client' && err.status === 401 && /^basic(\s|$)/i.test(authorization ?? '')
    ? 'Basic realm="token"'
    : undefined;
}

/** The app's one error middleware. Unknown errors become a generic `server_error`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (rawError, req, res, _next) => {
    const err = toOAuthError(rawError, logger, req);
    if (res.headersSent) return;
    res.status(err.status);
    const challenge = basicChallenge(err, req.headers.authorization);
    if (challenge !== undefined) res.set('WWW-Authenticate', challenge);
    if (err instanceof RenderedError || wantsHtml(req)) {
      res.type('html').send(errorPage(err));
    } else {
      res.json(errorBody(err));
    }
  };
}

function isClientHttpError(value: unknown): value is { status: number; expose: boolean; message: string } {
  if (typeof value !== 'object' || value === null) return false;
  const status = (value as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'not_found', error_description: `no route for ${req.method} ${req.path}` });
};
