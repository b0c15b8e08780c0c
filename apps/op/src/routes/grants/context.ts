import type { TokenResponse } from '@oidc-ref/token-schemas';
import type { AppDeps } from '../../app.js';
import type { ClientRecord } from '../../repositories/client-repository.js';
import type { PasswordAttemptLimiter } from '../../services/password-attempts.js';
import type { TokenForm } from '../token-form.js';

/** What grant handlers get: the app's deps plus the token endpoint's own per-process state. */
export interface GrantDeps extends AppDeps {
  passwordAttempts: PasswordAttemptLimiter;
}

/** One grant type: the authenticated client and the normalised form in, a token response out. */
export type GrantHandler = (deps: GrantDeps, client: ClientRecord, form: TokenForm) => Promise<TokenResponse>;
