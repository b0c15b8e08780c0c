import * as client from 'openid-client';
import type { Logger } from 'pino';

import type { RpConfig } from '../config.js';
import { AppError, describeCause } from '../errors.js';
import { memoizeUntilFailure } from '../lib/memoize.js';

/** The RP's view of the OP: its discovered configuration, fetched on first use. */
export interface OidcClient {
  /**
   * The openid-client configuration. Discovery runs on the first call and its success is
   * kept; a failure is not (the OP may start after the RP) and throws `op_unavailable`.
   */
  getConfiguration(): Promise<client.Configuration>;
}

export interface CreateOidcClientOptions {
  config: Pick<RpConfig, 'issuer' | 'clientId' | 'clientSecret' | 'allowInsecureIssuer'>;
  logger: Logger;
  /** Seconds before discovery and later OP requests give up. Default 10. */
  timeoutSeconds?: number;
}

/**
 * Builds the lazy, memoized discovery for the configured issuer with `client_secret_basic`.
 * Plain-HTTP requests are allowed (openid-client's `allowInsecureRequests`) only for an
 * `http:` issuer on a loopback host; config validation refuses any other `http:` issuer.
 * ID token signatures are verified against the OP's JWKS (`enableNonRepudiationChecks`):
 * openid-client would otherwise rely on TLS alone for tokens from the token endpoint, and a
 * local development OP has no TLS.
 */
export function createOidcClient({ config, logger, timeoutSeconds = 10 }: CreateOidcClientOptions): OidcClient {
  const discover = memoizeUntilFailure(async () => {
    try {
      const configuration = await client.discovery(
        new URL(config.issuer),
        config.clientId,
        { client_secret: config.clientSecret },
        client.ClientSecretBasic(config.clientSecret),
        {
          execute: [
            ...(config.allowInsecureIssuer ? [client.allowInsecureRequests] : []),
            client.enableNonRepudiationChecks,
          ],
          timeout: timeoutSeconds,
        },
      );
      logger.info({ issuer: config.issuer }, 'OP discovery succeeded');
      return configuration;
    } catch (error) {
      throw new AppError('op_unavailable', {
        detail: `discovery of ${config.issuer} failed`,
        cause: error,
      });
    }
  });
  return { getConfiguration: discover };
}

/** Whether an error means the OP could not be reached (connection refused, DNS, timeout). */
export function isNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // An aborted or timed-out fetch rejects with a DOMException, which is not always an Error
  // of this realm; compare names.
  const { name } = error as { name?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  return error instanceof TypeError && error.message === 'fetch failed';
}

/**
 * Maps what openid-client throws during the callback to the RP's codes: an error the OP
 * reported (authorization or token endpoint) is `op_error`, an unreachable OP is
 * `op_unavailable`, anything else (bad signature, wrong nonce, wrong iss...) is
 * `sign_in_failed` with a loggable detail.
 */
export function translateOidcError(error: unknown, step: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    return new AppError('op_error', {
      opError: { error: error.error, error_description: error.error_description },
      detail: `${step}: the OP returned an error`,
      cause: error,
    });
  }
  if (error instanceof client.ResponseBodyError) {
    return new AppError('op_error', {
      opError: { error: error.error, error_description: error.error_description },
      detail: `${step}: the OP answered HTTP ${error.status}`,
      cause: error,
    });
  }
  if (isNetworkError(error)) {
    return new AppError('op_unavailable', { detail: `${step}: the OP could not be reached`, cause: error });
  }
  return new AppError('sign_in_failed', { detail: `${step}: ${describe(error)}`, cause: error });
}

function describe(error: unknown): string {
  const summary = describeCause(error);
  return summary ? `${summary.name}${summary.code ? ` ${summary.code}` : ''}: ${summary.message}` : 'unknown error';
}
