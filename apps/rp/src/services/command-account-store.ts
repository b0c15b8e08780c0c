import type { Logger } from 'pino';

import { CommandError } from '@oidc-ref/rp-kit';
import type { AccountStore, CommandContext, StoredAccount } from '@oidc-ref/rp-kit';

import type { PrismaClient } from '../db/client.js';
import { emailDomain, isAuthenticationProvider, migrateVerdict } from '../lib/migrate-policy.js';
import { groupIdsOf } from '../lib/role-mapping.js';
import { knownRoles } from '../lib/rp-roles.js';
import {
  createCommandAccount,
  deleteCommandAccount,
  findCommandAccount,
  listAuditDataPage,
  listCommandAccountsPage,
  updateCommandAccount,
  type AuditDataPage,
  type CommandAccountListRow,
  type CommandAccountRecord,
} from '../repositories/command-account-repository.js';
import { deleteSessionsOfAccount } from '../repositories/session-repository.js';
import { findTenantOpMetadata, setTenantOpMetadata } from '../repositories/tenant-repository.js';

export interface CreateCommandAccountStoreOptions {
  prisma: PrismaClient;
  /** The RP tenant the command endpoint URL names; every query is scoped to it. */
  tenantId: string;
  /** Migrations (accepted and refused) are logged here. */
  logger?: Logger;
  now?: () => Date;
}

/** Rows per listing query: large enough that round trips do not dominate a million-account audit. */
const PAGE = 2000;
const STATES = new Set(['active', 'suspended', 'archived']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The OP claims the RP keeps: those of the latest activate/maintain, else email and name from sign-in. */
function retainedClaims(record: CommandAccountRecord): Record<string, unknown> {
  if (isRecord(record.claims) && isRecord(record.claims['provisioned'])) return record.claims['provisioned'];
  return { ...(record.email === null ? {} : { email: record.email }), ...(record.name === null ? {} : { name: record.name }) };
}

const providerOf = (value: string): NonNullable<StoredAccount['authenticationProvider']> => (isAuthenticationProvider(value) ? value : 'unknown');
const stateOf = (value: string): StoredAccount['state'] => (STATES.has(value) ? value : 'active') as StoredAccount['state'];

function toStored(record: CommandAccountRecord): StoredAccount {
  const signedIn = isRecord(record.claims) && record.claims['id_token'] !== undefined;
  return {
    sub: record.sub,
    state: stateOf(record.state),
    claims: retainedClaims(record),
    authenticationProvider: providerOf(record.authenticationProvider),
    ...(signedIn ? { lastAccess: Math.floor(record.lastLoginAt.getTime() / 1000) } : {}),
  };
}

/** The same as {@link toStored}, from a listing row (which carries only what an audit reports). */
function rowToStored(row: CommandAccountListRow): StoredAccount {
  const claims = isRecord(row.provisioned) ? row.provisioned : { ...(row.email === null ? {} : { email: row.email }), ...(row.name === null ? {} : { name: row.name }) };
  return {
    sub: row.sub,
    state: stateOf(row.state),
    claims,
    authenticationProvider: providerOf(row.authenticationProvider),
    ...(row.signedIn ? { lastAccess: Math.floor(row.lastLoginAt.getTime() / 1000) } : {}),
  };
}

/** The columns an activate/maintain sets from its profile claims: groups, and the known RP roles of a `roles` claim. */
const fromProfile = (claims: Record<string, unknown>) => ({ groups: groupIdsOf(claims['groups']), opRoles: knownRoles(claims['roles']) });

/**
 * The RP's identity register for one RP tenant, as rp-kit's `AccountStore`: accounts are found
 * by `(iss, sub)` **within** the tenant (an account of another tenant reads as unknown),
 * invalidate ends the account's RP sessions, delete removes the account and its sessions, and
 * tenant listings page through the table by id so a stream never holds the tenant in memory.
 */
export function createCommandAccountStore({ prisma, tenantId, logger, now = () => new Date() }: CreateCommandAccountStoreOptions): AccountStore {
  const find = (ctx: CommandContext, sub: string) => findCommandAccount(prisma, { tenantId, issuer: ctx.iss, sub });
  // A store serves one command (one request): rp-kit reads the account (`get`), then changes it
  // (`invalidate`, `update`, `delete`). A change that needs no stored claims reuses the row that
  // request already read instead of reading it again; its writes are scoped to the account id
  // and the tenant, so an account deleted in between reads as unknown (409), as it would have.
  const seen = new Map<string, CommandAccountRecord | null>();
  const findOnce = async (ctx: CommandContext, sub: string): Promise<CommandAccountRecord | null> => {
    const key = `${ctx.iss}\n${sub}`;
    if (seen.has(key)) return seen.get(key) ?? null;
    const record = await find(ctx, sub);
    seen.set(key, record);
    return record;
  };
  const mustFind = async (ctx: CommandContext, sub: string, lookup = find): Promise<CommandAccountRecord> => {
    const record = await lookup(ctx, sub);
    if (record === null) throw new CommandError(409, 'incompatible_state', undefined, { account_state: 'unknown', sub });
    return record;
  };

  return {
    async get(ctx, sub) {
      const record = await findOnce(ctx, sub);
      return record === null ? undefined : toStored(record);
    },
    async create(ctx, sub, claims) {
      const record = await createCommandAccount(prisma, {
        tenantId,
        issuer: ctx.iss,
        sub,
        email: str(claims['email']),
        name: str(claims['name']),
        claims: { provisioned: claims },
        ...fromProfile(claims),
        now: now(),
      });
      // (iss, sub) lives in another RP tenant: this tenant must not learn that (digest §9).
      if (record === null) throw new CommandError(409, 'incompatible_state', undefined, { account_state: 'unknown', sub });
      seen.set(`${ctx.iss}\n${sub}`, record);
      return toStored(record);
    },
    async update(ctx, sub, change) {
      // A claims change merges into the stored claims: read them fresh.
      const record = await mustFind(ctx, sub, change.claims === undefined ? findOnce : find);
      const claims = change.claims === undefined ? undefined : { ...(isRecord(record.claims) ? record.claims : {}), provisioned: change.claims };
      const updated = await updateCommandAccount(prisma, {
        tenantId,
        accountId: record.id,
        ...(change.state === undefined ? {} : { state: change.state }),
        ...(change.claims === undefined
          ? {}
          : { email: str(change.claims['email']) ?? record.email, name: str(change.claims['name']) ?? record.name, claims, ...fromProfile(change.claims) }),
        ...(change.authenticationProvider === undefined ? {} : { authenticationProvider: change.authenticationProvider }),
      });
      seen.set(`${ctx.iss}\n${sub}`, updated);
      if (updated === null) throw new CommandError(409, 'incompatible_state', undefined, { account_state: 'unknown', sub });
      // rp-kit has already invalidated; ending sessions again after the state change also
      // catches a sign-in that committed in between (it locked the row before we updated it).
      if (change.state === 'suspended' || change.state === 'archived') await deleteSessionsOfAccount(prisma, { accountId: record.id });
      if (change.authenticationProvider !== undefined) {
        logger?.info(
          { event: 'account_migrated', tenantId, iss: ctx.iss, sub, from: record.authenticationProvider, to: change.authenticationProvider },
          'OpenID Provider Commands: account migrated',
        );
      }
      return toStored(updated);
    },
    async delete(ctx, sub) {
      const record = await findOnce(ctx, sub);
      if (record !== null) await deleteCommandAccount(prisma, { tenantId, accountId: record.id });
      seen.set(`${ctx.iss}\n${sub}`, null);
    },
    async invalidate(ctx, sub) {
      const record = await findOnce(ctx, sub);
      if (record !== null) await deleteSessionsOfAccount(prisma, { accountId: record.id });
    },
    async *listByTenant(ctx, filter) {
      let afterId: string | undefined;
      for (;;) {
        const page = await listCommandAccountsPage(prisma, {
          tenantId,
          issuer: ctx.iss,
          ...(filter?.states === undefined ? {} : { states: filter.states }),
          ...(afterId === undefined ? {} : { afterId }),
          take: PAGE,
        });
        for (const row of page) yield rowToStored(row);
        if (page.length < PAGE) return;
        afterId = page.at(-1)?.id;
      }
    },
    // audit_tenant's fast path: Postgres builds each account's audit object (see
    // listAuditDataPage; the same shape as rowToStored + rp-kit's audit body), a page per query.
    // The next page is queried while this one is being written, so Postgres and the socket
    // work in parallel; at most two pages are held.
    async *listAuditData(ctx) {
      const fetchPage = (afterId?: string) => listAuditDataPage(prisma, { tenantId, issuer: ctx.iss, ...(afterId === undefined ? {} : { afterId }), take: PAGE });
      let next: Promise<AuditDataPage> | undefined = fetchPage();
      try {
        while (next !== undefined) {
          const page: AuditDataPage = await next;
          next = page.count === PAGE && page.lastId !== null ? fetchPage(page.lastId) : undefined;
          if (page.lines !== null) yield page.lines.split('\n');
        }
      } finally {
        // The consumer stopped early (the OP went away): let a prefetch in flight fail quietly.
        next?.catch(() => undefined);
      }
    },
    async saveMetadata(_ctx, metadata) {
      await setTenantOpMetadata(prisma, { tenantId, metadata });
    },
    async migrate(ctx, account, to) {
      const record = await mustFind(ctx, account.sub);
      const current = providerOf(record.authenticationProvider);
      const verdict = migrateVerdict({
        current: current === 'unknown' ? 'external' : current,
        email: record.email,
        opMetadata: await findTenantOpMetadata(prisma, { tenantId }),
      });
      if (verdict !== 'ok') {
        logger?.warn(
          { event: 'account_migration_refused', tenantId, iss: ctx.iss, sub: account.sub, from: current, to, verdict, emailDomain: emailDomain(record.email) },
          'OpenID Provider Commands: migrate refused',
        );
      }
      return verdict;
    },
  };
}
