/** Where the user lands after signing in when no (valid) `returnTo` was given. */
export const DEFAULT_RETURN_TO = '/account';

const BASE = 'http://rp.invalid';
const MAX_LENGTH = 2048;

/**
 * Accepts only a same-site relative path (`/account?tab=1`), so `returnTo` can never send the
 * user to another site after sign-in (open redirect). Anything else yields `undefined`:
 * absolute URLs, protocol-relative `//host`, backslashes (`/\host`, which browsers treat
 * like `//host`), control characters and over-long values.
 *
 * @example
 * safeReturnTo('/account'); // '/account'
 * safeReturnTo('//evil.example'); // undefined
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || value.startsWith('//')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (parsed.origin !== BASE) return undefined;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
