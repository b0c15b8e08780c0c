import express, { type RequestHandler, type Response } from 'express';

import { AppError } from '../errors.js';
import { opGroupsOf, roleMappingOf } from '../lib/role-mapping.js';
import { timingSafeEqualString } from '../lib/tokens.js';
import { noStore } from '../middleware/no-store.js';
import { currentSession } from '../middleware/session.js';
import { findTenantCommandSettings } from '../repositories/tenant-repository.js';
import { getAccountOverview, type AccountOverview } from '../services/get-account-overview.js';
import { setTenantRoleMapping } from '../services/set-tenant-role-mapping.js';
import { tenantRolesPage } from '../views/tenant-roles-page.js';
import type { RouteDeps } from './deps.js';

const OVERVIEW_LOCAL = 'tenantAdmin';
const FIELD_PREFIX = 'm.';

/** Only a signed-in account holding the RP role `admin` in its tenant may manage the tenant. */
function requireTenantAdmin({ prisma }: Pick<RouteDeps, 'prisma'>): RequestHandler {
  return async function requireTenantAdminStep(_req, res, next) {
    const overview = await getAccountOverview({ prisma, session: currentSession(res) });
    if (!overview) throw new AppError('unauthenticated');
    if (!overview.roles.includes('admin')) throw new AppError('forbidden', { detail: `account ${overview.account.sub} is not an admin of tenant ${overview.tenant.id}` });
    res.locals[OVERVIEW_LOCAL] = overview;
    next();
  };
}

const adminOf = (res: Response): AccountOverview => res.locals[OVERVIEW_LOCAL] as AccountOverview;

/** `GET /tenant/roles`: the tenant admin's group → role mapping form. */
export function tenantRolesRoute({ prisma }: Pick<RouteDeps, 'prisma'>): RequestHandler[] {
  return [
    noStore,
    requireTenantAdmin({ prisma }),
    async function renderTenantRoles(_req, res) {
      const { account, tenant } = adminOf(res);
      const settings = await findTenantCommandSettings(prisma, { tenantId: tenant.id });
      res.type('html').send(
        tenantRolesPage({
          tenant,
          groups: opGroupsOf(settings?.opMetadata ?? null),
          mapping: roleMappingOf(settings?.roleMapping ?? null),
          isDefault: (settings?.roleMapping ?? null) === null,
          csrfToken: currentSession(res)?.csrfToken ?? '',
          userLabel: account.email ?? account.name ?? account.sub,
        }),
      );
    },
  ];
}

/** The mapping a submitted form describes: every `m.<group id>` field's values are the group's roles. */
export function mappingFromForm(body: Readonly<Record<string, unknown>>): Record<string, unknown[]> {
  // fromEntries defines own properties, so a group id like `__proto__` cannot touch the prototype.
  return Object.fromEntries(
    Object.entries(body)
      .filter(([name]) => name.startsWith(FIELD_PREFIX) && name.length > FIELD_PREFIX.length)
      .map(([name, value]) => [name.slice(FIELD_PREFIX.length), Array.isArray(value) ? value : [value]]),
  );
}

/** `POST /tenant/roles` (form, `csrf`): stores the mapping, or `reset=default` goes back to the default. */
export function saveTenantRolesRoute({ prisma, logger }: Pick<RouteDeps, 'prisma' | 'logger'>): RequestHandler[] {
  return [
    noStore,
    express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 1000 }),
    requireTenantAdmin({ prisma }),
    async function saveTenantRoles(req, res) {
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const csrf = body['csrf'];
      const session = currentSession(res);
      if (typeof csrf !== 'string' || session === null || !timingSafeEqualString(csrf, session.csrfToken)) throw new AppError('invalid_csrf');
      const { account, tenant } = adminOf(res);
      const mapping = body['reset'] === 'default' ? null : mappingFromForm(body);
      await setTenantRoleMapping({ prisma, tenantId: tenant.id, mapping });
      logger.info({ event: 'role_mapping_changed', tenantId: tenant.id, by: account.sub, mapping }, 'tenant role mapping changed');
      res.redirect(303, '/tenant/roles');
    },
  ];
}
