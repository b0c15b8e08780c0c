/**
 * Reads the payload of a compact JWS **without verifying it**. Only for tokens this app has
 * already verified (the ID token stored in the session at sign-in); never for input.
 * Returns `undefined` for anything that is not a three-part JWS with a JSON object payload.
 */
export function decodeVerifiedJwtPayload(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
