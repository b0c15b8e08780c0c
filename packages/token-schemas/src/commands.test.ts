import { DRAFT_00_ALIASES, isStreamingCommand, isTenantCommand } from './commands.js';

it('tells tenant commands, and which of them stream', () => {
  expect(isTenantCommand('metadata')).toBe(true);
  expect(isTenantCommand('suspend')).toBe(false);
  expect(isStreamingCommand('audit_tenant')).toBe(true);
  expect(isStreamingCommand('metadata')).toBe(false);
});

it('maps the draft 00 names to draft 02', () => {
  expect(DRAFT_00_ALIASES).toEqual({ unauthorize: 'invalidate', unauthorize_async: 'invalidate_async', unauthorize_tenant: 'invalidate_tenant' });
});
