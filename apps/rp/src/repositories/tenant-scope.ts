/**
 * The one tenant-scoping helper: every account query's `where` goes through it, so no query
 * can forget the tenant. An empty tenant id is a programming error, not "all tenants".
 *
 * @example
 * prisma.account.findFirst({ where: scopedToTenant(tenantId, { id: accountId }) });
 */
export function scopedToTenant<Where extends object>(tenantId: string, where: Where): Where & { tenantId: string } {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new TypeError('a tenant id is required to scope an account query');
  }
  if ('tenantId' in where && (where as { tenantId?: unknown }).tenantId !== tenantId) {
    throw new TypeError('conflicting tenant id in an account query');
  }
  return { ...where, tenantId };
}
