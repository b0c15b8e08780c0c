// Where an authorization response goes, decided before anything else is validated: errors
// before the redirect_uri is trusted are rendered, never redirected (RFC 6749 §4.1.2.1).
import { CryptoError, decodeJwtUnverified } from '@oidc-ref/crypto';
import { OAuthError, RenderedError } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { ResponseTarget } from '../services/authorization-response.js';
import { checkRedirectUri, checkResponseModeSupported } from './checks.js';
import type { RawParams } from './params.js';
import { checkRequestObjectFormat, requestObjectParams } from './request-object-checks.js';
import { deliveryMode } from './response-type.js';

/**
 * The parameters that route the response: the outer ones, or, with a request object, the
 * object's (JAR: its redirect_uri, response_mode and state are the ones that count). The object
 * is only decoded here; a redirect_uri read from it is used only after it matched a registered
 * one, so an unverified object can at most send an error to one of the client's own URIs.
 * An object that cannot even be decoded (or is encrypted) leaves no redirect_uri: rendered.
 */
export function routingParams(outer: RawParams): RawParams {
  const jwt = outer.values.request;
  if (jwt === undefined || outer.values.request_uri !== undefined) return outer;
  try {
    checkRequestObjectFormat(jwt);
    // Members of unusable types are left to the full validation, which refuses them (redirected).
    const usable = Object.entries(decodeJwtUnverified(jwt).payload).filter(
      ([, value]) => typeof value === 'string' || typeof value === 'number' || (typeof value === 'object' && !Array.isArray(value)),
    );
    return requestObjectParams(Object.fromEntries(usable), outer);
  } catch (err) {
    if (err instanceof OAuthError) throw new RenderedError(err.error, err.error_description);
    if (err instanceof CryptoError) throw new RenderedError('invalid_request_object', 'the request object is not a valid JWT');
    throw err;
  }
}

/**
 * The response target: a supported response_mode (else a plain 400 page) and a registered
 * redirect_uri (else an error page), with the mode every response to this request will use.
 */
export function responseTargetFor(routing: RawParams, client: ClientRecord, issuer: string): ResponseTarget {
  const requested = checkResponseModeSupported(routing);
  const redirectUri = checkRedirectUri(routing, client);
  const state = routing.duplicates.includes('state') ? undefined : routing.values.state;
  return {
    redirectUri,
    mode: deliveryMode(requested, routing.values.response_type),
    ...(state !== undefined && { state }),
    issuer,
  };
}
