import { InvalidRequest } from '../errors.js';

/** A token request's parameters: one string each, empty ones dropped. */
export type TokenForm = Record<string, string>;

/**
 * Checks and normalises a parsed token request body (RFC 6749 §3.2): a parameter sent more
 * than once is `invalid_request`, and a parameter sent with an empty value is treated as if it
 * were absent (RFC 6749 §3.1).
 */
export function normaliseTokenForm(body: unknown): TokenForm {
  const form: TokenForm = {};
  if (typeof body !== 'object' || body === null) return form;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequest(`${safeName(name)} must not be repeated`);
    if (typeof value !== 'string') throw new InvalidRequest(`${safeName(name)} must be a string`);
    if (value !== '') form[name] = value;
  }
  return form;
}

/** A parameter name as it may appear in an error description: short and printable. */
function safeName(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '').slice(0, 40);
  return printable === '' ? 'a parameter' : `parameter "${printable.replace(/"/g, '')}"`;
}
