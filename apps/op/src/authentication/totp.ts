import { createGuardrails, generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP (RFC 6238) through otplib: 6 digits, 30 s steps, SHA-1 (what authenticator apps do),
 * one step of clock drift either way. New secrets are 160 bits (RFC 4226 R6 recommends it);
 * shorter enrolled secrets down to 80 bits are still checked, for the well-known demo secret.
 */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

export type TotpCheck = { valid: true; step: number } | { valid: false };

/** Checks a code; a code at or before `afterStep` (already used) is refused. */
export async function checkTotp(secret: string, code: string, options: { afterStep: number | null; now: Date }): Promise<TotpCheck> {
  if (!/^\d{6}$/.test(code)) return { valid: false };
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(options.now.getTime() / 1000),
    epochTolerance: 30,
    guardrails,
    ...(options.afterStep !== null && { afterTimeStep: options.afterStep }),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? { valid: true, step: result.timeStep as number } : { valid: false };
}

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://` URI an authenticator app scans. */
export function totpUri(secret: string, issuer: string, label: string): string {
  return generateURI({ issuer, label, secret });
}
