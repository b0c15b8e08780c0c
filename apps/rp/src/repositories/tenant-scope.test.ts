import { scopedToTenant } from './tenant-scope.js';

describe('scopedToTenant', () => {
  it('adds the tenant to the where clause', () => {
    expect(scopedToTenant('t-1', { id: 'a-1' })).toEqual({ id: 'a-1', tenantId: 't-1' });
  });

  it('refuses an empty tenant id instead of querying every tenant', () => {
    expect(() => scopedToTenant('', { id: 'a-1' })).toThrow(TypeError);
    expect(() => scopedToTenant(undefined as unknown as string, { id: 'a-1' })).toThrow(TypeError);
  });

  it('refuses a where clause naming another tenant', () => {
    expect(() => scopedToTenant('t-1', { tenantId: 't-2' })).toThrow(TypeError);
    expect(scopedToTenant('t-1', { tenantId: 't-1' })).toEqual({ tenantId: 't-1' });
  });
});
