import type { Logger } from 'pino';

import type { PrismaClient } from '../db/client.js';
import { isLoopbackUrl } from '../lib/loopback.js';
import { findTenantOpMetadata } from '../repositories/tenant-repository.js';

export interface SendCommandCallbackOptions {
  prisma: PrismaClient;
  logger: Logger;
  tenantId: string;
  /** The `callback_token` of the `_async` command; without one there is no callback. */
  callbackToken: string | undefined;
  /** The §5.1 result body: `{ sub, account_state, ... }`. */
  body: Record<string, unknown>;
}

/**
 * Reports an `_async` command's result (OpenID Provider Commands §5.2): `POST` the body as JSON
 * to the `callback_endpoint` from the tenant's latest OP metadata, with
 * `Authorization: Bearer <callback_token>`. Nothing is sent unless the OP gave both. The
 * endpoint must be https (http only on a loopback host). Returns the OP's status, or `undefined`
 * when nothing was sent; failures are logged, never thrown (the 202 has long been answered).
 */
export async function sendCommandCallback(options: SendCommandCallbackOptions): Promise<number | undefined> {
  const { prisma, logger, tenantId, callbackToken, body } = options;
  if (callbackToken === undefined) return undefined;
  try {
    const metadata = await findTenantOpMetadata(prisma, { tenantId });
    const endpoint = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['callback_endpoint'] : undefined;
    if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) return undefined;
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
      logger.warn({ tenantId }, 'callback_endpoint is not https; async result not sent');
      return undefined;
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${callbackToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 204 && response.status !== 200) logger.warn({ tenantId, status: response.status }, 'the OP refused an async command result');
    return response.status;
  } catch (error) {
    logger.warn({ tenantId, err: error }, 'could not send an async command result');
    return undefined;
  }
}
