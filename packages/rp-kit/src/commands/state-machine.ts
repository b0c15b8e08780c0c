import type { AccountCommand, AccountState } from './names.js';

/** The outcome of {@link nextState}. */
export type Transition =
  | { ok: true; state: AccountState }
  | { ok: false; status: 409; error: 'incompatible_state'; account_state: AccountState };

const RULES: Readonly<Record<AccountCommand, { from: readonly AccountState[] | 'any'; to: AccountState | 'same' }>> = {
  activate: { from: ['unknown'], to: 'active' },
  maintain: { from: ['active'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  reactivate: { from: ['suspended'], to: 'active' },
  archive: { from: ['active', 'suspended'], to: 'archived' },
  restore: { from: ['archived'], to: 'active' },
  delete: { from: ['active', 'suspended', 'archived'], to: 'unknown' },
  invalidate: { from: ['active'], to: 'active' },
  audit: { from: 'any', to: 'same' },
  // Draft 02 leaves migrate's states open; we require `active` (digest §10.3).
  migrate: { from: ['active'], to: 'same' },
};

/**
 * The account state machine of draft 02 §2, as a pure function: the state after `command`, or
 * the 409 `incompatible_state` answer carrying the current state.
 *
 * @example
 * ```ts
 * nextState('suspend', 'active'); // { ok: true, state: 'suspended' }
 * nextState('restore', 'suspended'); // { ok: false, status: 409, error: 'incompatible_state', account_state: 'suspended' }
 * ```
 */
export function nextState(command: AccountCommand, current: AccountState): Transition {
  const rule = RULES[command];
  if (rule.from !== 'any' && !rule.from.includes(current)) {
    return { ok: false, status: 409, error: 'incompatible_state', account_state: current };
  }
  return { ok: true, state: rule.to === 'same' ? current : rule.to };
}
