import { CryptoError, decodeJwtUnverified, type KeySet } from '@oidc-ref/crypto';
import { verifyIdTokenHintClaims } from '../../authorize/id-token-hint.js';
import { OAuthError, RenderedError } from '../../errors.js';
import type { ClientRecord, ClientRepository } from '../../repositories/client-repository.js';

/** The parameters of RP-Initiated Logout 1.0 §2. Others are ignored. */
export const END_SESSION_PARAMS = ['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;
type EndSessionParam = (typeof END_SESSION_PARAMS)[number];

/** A logout request that passed every check (RP-Initiated Logout 1.0 §2, §3). */
export interface EndSessionRequest {
  /** The client, named by `client_id` or by the hint's audience. */
  client?: ClientRecord;
  /** The verified `id_token_hint`: its `sub` and, when it has one, `sid`. */
  hint?: { sub: string; sid?: string };
  /** Where to send the browser afterwards: a registered `post_logout_redirect_uri`, and `state`. */
  redirect?: { uri: string; state?: string };
  logoutHint?: string;
  /** BCP 47 tags, in order of preference; unsupported ones are not an error (only `en` exists). */
  uiLocales: string[];
}

export interface ValidateEndSessionOptions {
  clients: Pick<ClientRepository, 'findById'>;
  keys: KeySet;
  issuer: string;
  /** Decrypts an id_token_hint encrypted to the OP's own key. */
  decryptHint?: (jwe: string) => Promise<string>;
}

/** An end_session error: shown on an OP page, never redirected (RP-Initiated Logout §4). */
export class EndSessionError extends RenderedError {
  constructor(description: string, detail?: unknown) {
    super('invalid_request', description, 400, detail);
  }
}

/**
 * Reads the end_session parameters from a query or form: strings only (a repeated parameter is
 * an error), empty values count as absent.
 */
export function readEndSessionParams(source: unknown): Partial<Record<EndSessionParam, string>> {
  const raw = (typeof source === 'object' && source !== null ? source : {}) as Record<string, unknown>;
  const params: Partial<Record<EndSessionParam, string>> = {};
  for (const name of END_SESSION_PARAMS) {
    const value = raw[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new EndSessionError(`${name} must be a single value`);
    params[name] = value;
  }
  return params;
}

/** The client an id_token_hint was issued to: its single `aud`, else its `azp`. */
function hintAudience(hint: string): string | undefined {
  const { payload } = decodeJwtUnverified(hint);
  const aud = payload.aud;
  if (typeof aud === 'string') return aud;
  if (Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string') return aud[0];
  return typeof payload.azp === 'string' ? payload.azp : undefined;
}

/**
 * Validates a logout request (RP-Initiated Logout 1.0 §2, §3, §4):
 * - `id_token_hint` must be an ID token this OP issued (our keys and `iss`; expired is fine; an
 *   encrypted one is decrypted first); when `client_id` is also sent, the hint's `aud` must
 *   contain it.
 * - `client_id` must name a registered client.
 * - `post_logout_redirect_uri` needs the client (from the hint or `client_id`) and must equal
 *   one of its `post_logout_redirect_uris` exactly.
 * Any failure is an {@link EndSessionError}: an OP page, no redirect, nothing changed.
 */
export async function validateEndSessionRequest(source: unknown, options: ValidateEndSessionOptions): Promise<EndSessionRequest> {
  const params = readEndSessionParams(source);
  let client: ClientRecord | undefined;
  if (params.client_id !== undefined) {
    client = (await options.clients.findById(params.client_id)) ?? undefined;
    if (!client) throw new EndSessionError('client_id is not a registered client');
  }

  let hint: EndSessionRequest['hint'];
  if (params.id_token_hint !== undefined) {
    try {
      let token = params.id_token_hint;
      if (token.split('.').length === 5) {
        if (!options.decryptHint) throw new EndSessionError('encrypted id_token_hints are not accepted');
        token = await options.decryptHint(token);
      }
      if (!client) {
        const audience = hintAudience(token);
        client = audience === undefined ? undefined : ((await options.clients.findById(audience)) ?? undefined);
        if (!client) throw new EndSessionError('id_token_hint was not issued to a registered client');
      }
      const { sub, payload } = await verifyIdTokenHintClaims(token, options.keys, options.issuer, client);
      hint = { sub, ...(typeof payload.sid === 'string' && { sid: payload.sid }) };
    } catch (err) {
      if (err instanceof EndSessionError) throw err;
      if (err instanceof OAuthError) throw new EndSessionError(err.error_description, err.detail);
      if (err instanceof CryptoError) throw new EndSessionError('id_token_hint is not an ID token issued by this provider', err.code);
      throw err;
    }
  }

  let redirect: EndSessionRequest['redirect'];
  if (params.post_logout_redirect_uri !== undefined) {
    if (!client) throw new EndSessionError('post_logout_redirect_uri needs id_token_hint or client_id');
    const registered = client.metadata.post_logout_redirect_uris ?? [];
    if (!registered.includes(params.post_logout_redirect_uri)) {
      throw new EndSessionError('post_logout_redirect_uri is not registered for this client');
    }
    redirect = { uri: params.post_logout_redirect_uri, ...(params.state !== undefined && { state: params.state }) };
  }

  return {
    ...(client && { client }),
    ...(hint && { hint }),
    ...(redirect && { redirect }),
    ...(params.logout_hint !== undefined && { logoutHint: params.logout_hint }),
    uiLocales: params.ui_locales?.split(' ').filter(Boolean) ?? [],
  };
}
