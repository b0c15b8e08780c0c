import type { Db } from '../db/client.js';

/** A user as the admin console lists them. */
export interface ConsoleUser {
  id: string;
  email: string;
  name: string;
  organization: { id: string; name: string } | null;
  /** The user's lifecycle status at the OP (`active`, `suspended`, …) where the OP records one, else null. */
  status: string | null;
}

/** A client that can receive commands: its `command_endpoint` and per-tenant endpoints. */
export interface ConsoleCommandClient {
  id: string;
  name: string;
  commandEndpoint: string | null;
  tenants: Record<string, string>;
}

/** One stored `audit_tenant` account (the `audit_accounts` table, when this OP has it). */
export interface ConsoleAuditAccount {
  seq: number;
  sub: string;
  accountState: string;
  authenticationProvider: string | null;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  org_id: string | null;
  org_name: string | null;
  status: string | null;
}

interface ClientRow {
  id: string;
  name: string | null;
  command_endpoint: string | null;
  tenants: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Read-only queries of the admin console (routes/admin/console): the user list with
 * organisations, the clients that have a command endpoint, and the first page of stored
 * `audit_tenant` accounts. The user's OP status is read with `to_jsonb(u)->>'status'`, so the
 * list works whether or not this schema has a `status` column.
 */
export function adminConsoleRepository(db: Db) {
  return {
    async listUsers(limit: number): Promise<ConsoleUser[]> {
      const rows = await db.$queryRaw<UserRow[]>`
        SELECT u.id, u.email, u.name, o.id AS org_id, o.name AS org_name, to_jsonb(u) ->> 'status' AS status
        FROM users u LEFT JOIN organizations o ON o.id = u.organization_id
        ORDER BY u.email
        LIMIT ${limit}`;
      return rows.map((row) => ({
        id: row.id,
        email: row.email,
        name: row.name,
        organization: row.org_id === null ? null : { id: row.org_id, name: row.org_name ?? row.org_id },
        status: row.status,
      }));
    },

    async listCommandClients(limit: number): Promise<ConsoleCommandClient[]> {
      const rows = await db.$queryRaw<ClientRow[]>`
        SELECT id, metadata ->> 'client_name' AS name, metadata ->> 'command_endpoint' AS command_endpoint,
               tenant_command_endpoints AS tenants
        FROM clients
        WHERE metadata ? 'command_endpoint' OR tenant_command_endpoints <> '{}'::jsonb
        ORDER BY id
        LIMIT ${limit}`;
      return rows.map((row) => ({
        id: row.id,
        name: row.name ?? row.id,
        commandEndpoint: row.command_endpoint,
        tenants: isRecord(row.tenants) ? Object.fromEntries(Object.entries(row.tenants).filter((e): e is [string, string] => typeof e[1] === 'string')) : {},
      }));
    },

    /**
     * The first `limit` stored accounts of an `audit_tenant` delivery, in stream order; `null`
     * when this OP stores no audit results (no `audit_accounts` table).
     */
    async auditAccounts(deliveryId: string, limit: number): Promise<ConsoleAuditAccount[] | null> {
      const [present] = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('audit_accounts') IS NOT NULL AS present`;
      if (!present?.present) return null;
      const rows = await db.$queryRaw<{ seq: number; sub: string; account_state: string; authentication_provider: string | null }[]>`
        SELECT seq, sub, account_state, authentication_provider FROM audit_accounts
        WHERE delivery_id = ${deliveryId} ORDER BY seq LIMIT ${limit}`;
      return rows.map((row) => ({ seq: Number(row.seq), sub: row.sub, accountState: row.account_state, authenticationProvider: row.authentication_provider }));
    },
  };
}
export type AdminConsoleRepository = ReturnType<typeof adminConsoleRepository>;
