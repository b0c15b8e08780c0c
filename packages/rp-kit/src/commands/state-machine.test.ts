import type { AccountCommand, AccountState } from './names.js';
import { nextState } from './state-machine.js';

const STATES: AccountState[] = ['unknown', 'active', 'suspended', 'archived'];

// Digest §2: command → (from state → to state); a missing entry is 409 incompatible_state.
const TABLE: Record<AccountCommand, Partial<Record<AccountState, AccountState>>> = {
  activate: { unknown: 'active' },
  maintain: { active: 'active' },
  suspend: { active: 'suspended' },
  reactivate: { suspended: 'active' },
  archive: { active: 'archived', suspended: 'archived' },
  restore: { archived: 'active' },
  delete: { active: 'unknown', suspended: 'unknown', archived: 'unknown' },
  invalidate: { active: 'active' },
  audit: { unknown: 'unknown', active: 'active', suspended: 'suspended', archived: 'archived' },
  migrate: { active: 'active' },
};

const cases = Object.entries(TABLE).flatMap(([command, moves]) => STATES.map((from) => [command as AccountCommand, from, moves[from]] as const));

it.each(cases)('%s from %s → %s', (command, from, to) => {
  expect(nextState(command, from)).toEqual(
    to === undefined ? { ok: false, status: 409, error: 'incompatible_state', account_state: from } : { ok: true, state: to },
  );
});
