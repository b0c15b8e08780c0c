import { InvalidRequest } from '../../errors.js';
import type { TokenForm } from '../token-form.js';

/** A required token request parameter (the form is already normalised: single, non-empty strings). */
export function requiredParam(form: TokenForm, name: string): string {
  const value = form[name];
  if (value === undefined) throw new InvalidRequest(`${name} is required`);
  return value;
}
