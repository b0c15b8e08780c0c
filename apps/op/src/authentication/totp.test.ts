import { generate } from 'otplib';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';

const now = new Date('2026-11-22T12:00:00Z');
const epoch = Math.floor(now.getTime() / 1000);
const secret = newTotpSecret();

it('accepts a current code, reports its step, and refuses it again after that step', async () => {
  const code = await generate({ secret, epoch });
  const first = await checkTotp(secret, code, { afterStep: null, now });
  expect(first).toEqual({ valid: true, step: Math.floor(epoch / 30) });
  const again = await checkTotp(secret, code, { afterStep: first.valid ? first.step : null, now });
  expect(again).toEqual({ valid: false });
});

it('tolerates one step of drift, not two', async () => {
  expect((await checkTotp(secret, await generate({ secret, epoch: epoch - 30 }), { afterStep: null, now })).valid).toBe(true);
  expect((await checkTotp(secret, await generate({ secret, epoch: epoch - 90 }), { afterStep: null, now })).valid).toBe(false);
});

it('refuses malformed codes without throwing, and works with the 80-bit demo secret', async () => {
  expect(await checkTotp(secret, '12345', { afterStep: null, now })).toEqual({ valid: false });
  expect(await checkTotp(secret, 'abcdef', { afterStep: null, now })).toEqual({ valid: false });
  const demo = 'JBSWY3DPEHPK3PXP';
  const { createGuardrails } = await import('otplib');
  const code = await generate({ secret: demo, epoch, guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
  expect((await checkTotp(demo, code, { afterStep: null, now })).valid).toBe(true);
});

it('makes 160-bit secrets and otpauth URIs', () => {
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(totpUri(secret, 'oidc-ref', 'alice@acme.example')).toMatch(/^otpauth:\/\/totp\/oidc-ref:alice%40acme\.example\?secret=/);
});
