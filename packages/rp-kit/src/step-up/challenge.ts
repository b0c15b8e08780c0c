/** The parameters of an RFC 9470 step-up challenge. */
export interface StepUpChallenge {
  acrValues?: string[];
  maxAge?: number;
  errorDescription?: string;
}

const QUOTED_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quoted(name: string, value: string): string {
  if (!QUOTED_SAFE.test(value)) throw new TypeError(`${name} contains characters a challenge cannot carry`);
  return `${name}="${value}"`;
}

/**
 * The `WWW-Authenticate` value of an RFC 9470 §3 challenge:
 * `Bearer error="insufficient_user_authentication", acr_values="…", max_age="…"`.
 *
 * @example
 * res.status(401).set('WWW-Authenticate', insufficientUserAuthentication({ acrValues: ['urn:oidc-ref:acr:mfa'], maxAge: 300 }));
 */
export function insufficientUserAuthentication(challenge: StepUpChallenge): string {
  const parts = ['Bearer error="insufficient_user_authentication"'];
  if (challenge.errorDescription !== undefined) parts.push(quoted('error_description', challenge.errorDescription));
  if (challenge.acrValues?.length) parts.push(quoted('acr_values', challenge.acrValues.join(' ')));
  if (challenge.maxAge !== undefined) {
    if (!Number.isInteger(challenge.maxAge) || challenge.maxAge < 0) throw new TypeError('max_age must be a non-negative integer');
    parts.push(`max_age="${challenge.maxAge}"`);
  }
  return parts.join(', ');
}

/**
 * Reads an RFC 9470 challenge from a `WWW-Authenticate` value; undefined unless it is a Bearer
 * (or DPoP) challenge with `error="insufficient_user_authentication"`. `max_age` may be a token
 * or a quoted string; a value that is not a non-negative integer is ignored.
 *
 * @example
 * const challenge = parseInsufficientUserAuthentication(response.headers.get('www-authenticate'));
 * if (challenge) startStepUp(challenge.acrValues, challenge.maxAge);
 */
export function parseInsufficientUserAuthentication(header: string | null | undefined): StepUpChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(Bearer|DPoP)\s+(.*)$/i.exec(header);
  if (!match) return undefined;
  const params = new Map<string, string>();
  const re = /([a-zA-Z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(match[2]!); m !== null; m = re.exec(match[2]!)) {
    params.set(m[1]!.toLowerCase(), (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  if (params.get('error') !== 'insufficient_user_authentication') return undefined;
  const challenge: StepUpChallenge = {};
  const acr = params.get('acr_values');
  if (acr) challenge.acrValues = acr.split(' ').filter((v) => v !== '');
  const maxAge = params.get('max_age');
  if (maxAge !== undefined && /^\d{1,10}$/.test(maxAge)) challenge.maxAge = Number(maxAge);
  const description = params.get('error_description');
  if (description !== undefined) challenge.errorDescription = description;
  return challenge;
}
