import { CryptoError } from './errors.js';

/** The claim checks of `VerifyOptions` (see verify.ts for the meaning of each). Internal. */
export interface ClaimCheckOptions {
  issuer?: string;
  audience?: string | readonly string[];
  typ?: string;
  clockToleranceSec?: number;
  currentDate?: Date;
  allowExpired?: boolean;
  requiredClaims?: readonly string[];
}

function claimInvalid(message: string): CryptoError {
  return new CryptoError('ERR_JWT_CLAIM_INVALID', message);
}

/** `typ` values compare case-insensitively, with or without the `application/` prefix (RFC 7515 §4.1.9). */
function normaliseTyp(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

function numericDate(payload: Record<string, unknown>, claim: string): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw claimInvalid(`"${claim}" claim must be a number`);
  return value;
}

/**
 * Checks the JOSE `typ` header and the registered claims of a verified JWT, with the semantics
 * of `jose`'s `jwtVerify`, except that `allowExpired` skips only the `exp` comparison (used for
 * `id_token_hint`, checklist §18). Throws `ERR_JWT_CLAIM_INVALID` or `ERR_JWT_EXPIRED`. Internal.
 */
export function validateClaims(
  payload: Record<string, unknown>,
  header: { typ?: unknown },
  options: ClaimCheckOptions,
): void {
  const { issuer, audience, typ, requiredClaims = [], allowExpired = false } = options;
  const tolerance = options.clockToleranceSec ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError('clockToleranceSec must be a finite number ≥ 0');
  const date = options.currentDate ?? new Date();
  const now = Math.floor(date.getTime() / 1000);
  if (!Number.isFinite(now)) throw new RangeError('currentDate is not a valid Date');

  if (typ !== undefined && (typeof header.typ !== 'string' || normaliseTyp(header.typ) !== normaliseTyp(typ))) {
    throw claimInvalid('unexpected "typ" header value');
  }

  const mustBePresent = new Set(requiredClaims);
  if (issuer !== undefined) mustBePresent.add('iss');
  if (audience !== undefined) mustBePresent.add('aud');
  for (const claim of mustBePresent) {
    if (!Object.hasOwn(payload, claim)) throw claimInvalid(`missing required "${claim}" claim`);
  }

  if (issuer !== undefined && payload['iss'] !== issuer) throw claimInvalid('unexpected "iss" claim value');
  if (audience !== undefined) {
    const wanted: readonly string[] = typeof audience === 'string' ? [audience] : audience;
    const aud = payload['aud'];
    const present = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!wanted.some((value) => present.includes(value))) throw claimInvalid('unexpected "aud" claim value');
  }

  numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) throw claimInvalid('"nbf" claim timestamp check failed');
  const exp = numericDate(payload, 'exp');
  if (!allowExpired && exp !== undefined && exp <= now - tolerance) {
    throw new CryptoError('ERR_JWT_EXPIRED', '"exp" claim timestamp check failed');
  }
}
