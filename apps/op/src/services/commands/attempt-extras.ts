import type { CommandOutcome, CommandTokenInput } from '@oidc-ref/op-commands';
import type { CommandCallbackRepository } from '../../repositories/command-callback-repository.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';
import type { ClientTenantMetadataRepository } from '../../repositories/client-tenant-metadata-repository.js';
import type { OrganizationRepository } from '../../repositories/organization-repository.js';
import { callbackPurposeOf, issueCallbackToken } from './callback-tokens.js';
import { metadataResponseProblem, wantsDraft00Invalidate } from './metadata-response.js';
import { opMetadataFor } from './op-metadata.js';

/** What a delivery attempt adds to the stored command at mint time. */
export type MintExtras = Pick<CommandTokenInput, 'callbackToken' | 'metadata' | 'authenticationProvider' | 'draft00Name'>;

/**
 * The parts of a delivery attempt beyond "mint, POST, interpret": input built at mint time
 * (callback token, `metadata` claim, `authentication_provider`, §13 naming) and what an answer
 * means beyond its status (a `metadata` response is checked and stored).
 */
export interface AttemptExtras {
  mintInput(row: CommandDeliveryRecord, at: Date): Promise<MintExtras>;
  settle(row: CommandDeliveryRecord, endpoint: string, outcome: CommandOutcome, at: Date): Promise<CommandOutcome>;
}

export interface AttemptExtrasOptions {
  issuer: string;
  callbacks: Pick<CommandCallbackRepository, 'issue' | 'revokeReplaced'>;
  organizations: Pick<OrganizationRepository, 'findById' | 'groups'>;
  rpMetadata: Pick<ClientTenantMetadataRepository, 'find' | 'save'>;
  /** Lifetime of an async result's callback token. */
  callbackTtlSeconds: number;
  /** How long a stored RP metadata response is reused for §13 decisions (ms). Default 5 s. */
  rpMetadataCacheMs?: number;
}

/** Extras that add nothing (a worker built without them cannot send `metadata`). */
export const NO_EXTRAS: AttemptExtras = {
  mintInput: (row) => Promise.resolve(row.authenticationProvider === null ? {} : { authenticationProvider: row.authenticationProvider as 'op' | 'op_migration' }),
  settle: (_row, _endpoint, outcome) => Promise.resolve(outcome),
};

/** @example const extras = createAttemptExtras({ issuer, callbacks: repos.commandCallbacks, organizations: repos.organizations, rpMetadata: repos.clientTenantMetadata, callbackTtlSeconds: 86400 }); */
export function createAttemptExtras(options: AttemptExtrasOptions): AttemptExtras {
  const cacheMs = options.rpMetadataCacheMs ?? 5000;
  const cache = new Map<string, { at: number; response: Record<string, unknown> | undefined }>();

  async function rpMetadata(clientId: string, tenant: string, at: Date): Promise<Record<string, unknown> | undefined> {
    const key = `${clientId}\n${tenant}`;
    const hit = cache.get(key);
    if (hit && at.getTime() - hit.at < cacheMs) return hit.response;
    const response = (await options.rpMetadata.find(clientId, tenant))?.response;
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: at.getTime(), response });
    return response;
  }

  return {
    async mintInput(row, at) {
      const extras: MintExtras = {};
      const callbackToken = await issueCallbackToken(row, { callbacks: options.callbacks, now: at, ttlSeconds: options.callbackTtlSeconds });
      if (callbackToken !== undefined) extras.callbackToken = callbackToken;
      if (row.command === 'metadata') extras.metadata = await opMetadataFor(row.tenant, options);
      if (row.authenticationProvider !== null) extras.authenticationProvider = row.authenticationProvider as 'op' | 'op_migration';
      if (row.command.startsWith('invalidate') && wantsDraft00Invalidate(await rpMetadata(row.clientId, row.tenant, at))) extras.draft00Name = true;
      return extras;
    },

    async settle(row, endpoint, outcome, at) {
      if (outcome.kind !== 'succeeded') return outcome;
      if (row.command === 'metadata') {
        const problem = metadataResponseProblem(outcome.body, { issuer: options.issuer, tenant: row.tenant, commandEndpoint: endpoint, clientId: row.clientId });
        if (problem !== undefined) return { kind: 'rejected', status: outcome.status, error: 'invalid_metadata_response', errorDescription: problem };
        await options.rpMetadata.save({ clientId: row.clientId, tenant: row.tenant, response: outcome.body ?? {}, deliveryId: row.id, receivedAt: at });
        cache.delete(`${row.clientId}\n${row.tenant}`);
      }
      const purpose = callbackPurposeOf(row.command);
      if (purpose === 'metadata' || purpose === 'audit_tenant') {
        await options.callbacks.revokeReplaced({ clientId: row.clientId, tenant: row.tenant, purpose, keepDeliveryId: row.id });
      }
      return outcome;
    },
  };
}
