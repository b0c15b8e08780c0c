import { DEFAULT_ROLE_MAPPING, RoleMappingSchema, effectiveRoles, groupIdsOf, opGroupsOf, roleMappingOf } from './role-mapping.js';
import { knownRoles } from './rp-roles.js';

const metadata = (...ids: string[]) => ({ groups: ids.map((id) => ({ id, display: id.toUpperCase() })) });

describe('effectiveRoles', () => {
  it('maps the groups the latest OP metadata lists', () => {
    expect(effectiveRoles({ groups: ['admins', 'engineering'], opRoles: [], opMetadata: metadata('admins', 'engineering'), mapping: DEFAULT_ROLE_MAPPING })).toEqual(['editor', 'admin']);
  });

  it('ignores a group the OP no longer publishes, and every group without metadata', () => {
    expect(effectiveRoles({ groups: ['admins', 'engineering'], opRoles: [], opMetadata: metadata('engineering'), mapping: DEFAULT_ROLE_MAPPING })).toEqual(['editor']);
    expect(effectiveRoles({ groups: ['admins'], opRoles: [], opMetadata: null, mapping: DEFAULT_ROLE_MAPPING })).toEqual([]);
  });

  it('adds the known roles of a roles claim, deduplicated, whatever the metadata', () => {
    expect(effectiveRoles({ groups: ['admins'], opRoles: ['viewer', 'admin'], opMetadata: metadata('admins'), mapping: DEFAULT_ROLE_MAPPING })).toEqual(['viewer', 'admin']);
    expect(effectiveRoles({ groups: [], opRoles: ['viewer'], opMetadata: null, mapping: {} })).toEqual(['viewer']);
  });

  it('does not follow inherited properties of the mapping', () => {
    expect(effectiveRoles({ groups: ['constructor', 'toString'], opRoles: [], opMetadata: metadata('constructor', 'toString'), mapping: {} })).toEqual([]);
  });
});

describe('parsing', () => {
  it('keeps only string ids of a groups claim and well-formed metadata groups', () => {
    expect(groupIdsOf(['a', 1, '', 'a', 'b'])).toEqual(['a', 'b']);
    expect(groupIdsOf('a')).toEqual([]);
    expect(opGroupsOf({ groups: [{ id: 'a', display: 'A', description: 'd' }, { id: 'b' }, 'c', { id: 'd', display: 'D' }] })).toEqual([
      { id: 'a', display: 'A', description: 'd' },
      { id: 'd', display: 'D' },
    ]);
    expect(knownRoles(['admin', 'root', 7])).toEqual(['admin']);
  });

  it('uses the default for no stored mapping, and no roles for an unreadable one', () => {
    expect(roleMappingOf(null)).toBe(DEFAULT_ROLE_MAPPING);
    expect(roleMappingOf({ admins: ['superuser'] })).toEqual({});
    expect(roleMappingOf({ admins: ['viewer'] })).toEqual({ admins: ['viewer'] });
    expect(RoleMappingSchema.safeParse({ g: ['root'] }).success).toBe(false);
  });
});
