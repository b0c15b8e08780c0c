import pg from 'pg';

export interface SeedAccountsOptions {
  /** The RP's database. */
  databaseUrl: string;
  /** The OP issuer the RP tenant is bound to. */
  issuer: string;
  /** The OP tenant (the RP tenant's external id). */
  tenant: string;
  /** Accounts `user-<from>` … `user-<to>` are created (both included). */
  from: number;
  to: number;
}

/**
 * Creates the RP tenant (if needed) and the active accounts `from`…`to` in it with one `INSERT … SELECT
 * generate_series` (each with provisioned claims like an `activate` leaves them), then ANALYZE.
 */
export async function seedRpAccounts({ databaseUrl, issuer, tenant, from, to }: SeedAccountsOptions): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO tenants (id, issuer, external_id, name) VALUES (gen_random_uuid()::text, $1, $2, $2)
       ON CONFLICT (issuer, external_id) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [issuer, tenant],
    );
    const tenantId = rows[0]?.id;
    if (tenantId === undefined) throw new Error('could not create the RP tenant');
    await client.query(
      `INSERT INTO accounts (id, tenant_id, issuer, sub, email, name, state, claims, groups, last_login_at, updated_at)
       SELECT gen_random_uuid()::text, $1, $2, 'user-' || n, 'user' || n || '@bench.example', 'User ' || n, 'active',
              jsonb_build_object('provisioned', jsonb_build_object('email', 'user' || n || '@bench.example', 'name', 'User ' || n, 'groups', jsonb_build_array('staff'))),
              ARRAY['staff'], now(), now()
         FROM generate_series($3::int, $4::int) AS n`,
      [tenantId, issuer, from, to],
    );
    await client.query('ANALYZE accounts');
  } finally {
    await client.end();
  }
}
