/**
 * Which check a logout token failed (Back-Channel Logout 1.0 §2.6), in validation order.
 * Stable: branch on it, never on the message.
 */
export type LogoutTokenErrorCode =
  | 'missing_token'
  | 'malformed'
  | 'encrypted'
  | 'typ'
  | 'alg'
  | 'signature'
  | 'iss'
  | 'aud'
  | 'iat'
  | 'exp'
  | 'sub_or_sid'
  | 'events'
  | 'nonce'
  | 'jti'
  | 'replay';

/**
 * A logout token the RP must refuse. Every one is answered `400` with the JSON body
 * `{ "error": "invalid_request", "error_description": … }` (§2.8), and nothing changes.
 *
 * @example
 * ```ts
 * try {
 *   await verifyLogoutToken(form.logout_token, options);
 * } catch (err) {
 *   if (err instanceof LogoutTokenError) res.status(err.status).json(err.body);
 * }
 * ```
 */
export class LogoutTokenError extends Error {
  readonly status = 400;
  readonly error = 'invalid_request';
  readonly code: LogoutTokenErrorCode;
  readonly error_description: string;

  constructor(code: LogoutTokenErrorCode, description: string, options?: { cause?: unknown }) {
    super(description, options);
    this.name = 'LogoutTokenError';
    this.code = code;
    this.error_description = description;
  }

  /** The JSON body of the 400: `{ error: 'invalid_request', error_description }`. */
  get body(): { error: 'invalid_request'; error_description: string } {
    return { error: 'invalid_request', error_description: this.error_description };
  }
}
