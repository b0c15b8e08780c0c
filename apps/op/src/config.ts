import { z } from 'zod';
import { SIGNING_ALGS, type SigningAlg } from '@oidc-ref/crypto';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const issuer = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.endsWith('/'), 'must not end with a slash')
  .refine((value) => {
    const url = new URL(value);
    return url.search === '' && url.hash === '';
  }, 'must have no query or fragment');

const ConfigSchema = z.object({
  OP_ISSUER: issuer.default('http://localhost:4000'),
  OP_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  OP_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  OP_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OP_SESSION_TTL_SECONDS: seconds(8 * 3600),
  OP_INTERACTION_TTL_SECONDS: seconds(15 * 60),
  OP_CODE_TTL_SECONDS: seconds(60),
  OP_ACCESS_TOKEN_TTL_SECONDS: seconds(3600),
  OP_ID_TOKEN_TTL_SECONDS: seconds(3600),
  OP_REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  OP_REGISTRATION: z.enum(['open', 'initial_access_token', 'disabled']).default('initial_access_token'),
  OP_REGISTRATION_INITIAL_ACCESS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  OP_JWT_ACCESS_TOKEN_TTL_SECONDS: seconds(600),
  OP_ACCESS_TOKEN_SIGNING_ALG: z.enum(SIGNING_ALGS as [SigningAlg, ...SigningAlg[]]).default('ES256'),
  OP_ACCESS_TOKEN_AUDIENCE: z.string().min(1).optional(),
  OP_CLIENT_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  OP_COMMANDS_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
  OP_COMMANDS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  OP_COMMANDS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  OP_COMMANDS_CALLBACK_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
  OP_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  OP_SESSION_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  OP_LOGOUT_REDIRECT_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(2000),
});

export interface OpConfig {
  /** The issuer identifier: every `iss`, and the prefix of every endpoint. */
  readonly issuer: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly logLevel: z.infer<typeof ConfigSchema>['OP_LOG_LEVEL'];
  /** Cookies get `Secure` when the issuer is https. */
  readonly secureCookies: boolean;
  readonly ttl: {
    readonly session: number;
    readonly interaction: number;
    readonly code: number;
    readonly accessToken: number;
    readonly idToken: number;
    readonly refreshToken: number;
    /** RFC 9068 JWT access tokens (client_credentials by default; user grants per client). */
    readonly jwtAccessToken: number;
  };
  /** RFC 9068 JWT access tokens: signed with the OP's active key of `signingAlg`; `aud` is `audience`. */
  readonly accessTokens: {
    readonly signingAlg: SigningAlg;
    /** The default resource indicator (RFC 9068 §3): `OP_ACCESS_TOKEN_AUDIENCE`, else the issuer. */
    readonly audience: string;
  };
  /**
   * Seconds a client read from the database is reused by this process (0: no cache). A change
   * made through another process is seen here after at most this long.
   */
  readonly clientCacheTtlSeconds: number;
  /**
   * Dynamic client registration (RFC 7591): `open` to anyone (demo), `initial_access_token`
   * (the default) only with the configured bearer token, or `disabled`. Without a token
   * configured, `initial_access_token` means disabled.
   */
  readonly registration: {
    readonly mode: 'open' | 'initial_access_token' | 'disabled';
    readonly initialAccessToken?: string;
  };
  /** OpenID Provider Commands: the outbox worker (see docs/commands.md). */
  readonly commands: {
    /** Milliseconds between outbox polls (an enqueue also wakes the worker at once). */
    readonly pollMs: number;
    /** Attempts before a retryable delivery (5xx, 408, 429, network) is marked failed. */
    readonly maxAttempts: number;
    /** Deliveries one worker has in flight at once (`OP_COMMANDS_CONCURRENCY`). */
    readonly concurrency: number;
    /** Lifetime of a callback token for an `*_async` result (`OP_COMMANDS_CALLBACK_TTL_SECONDS`). */
    readonly callbackTtlSeconds: number;
  };
  /** The bearer token of the admin JSON API (`/admin/*`); without one the admin API answers 404. */
  readonly adminToken?: string;
  /** Logout (docs/logout.md). */
  readonly logout: {
    /** Seconds between sweeps that end expired OP sessions and notify their RPs (0: no sweep). */
    readonly sessionSweepSeconds: number;
    /**
     * At most how long end_session waits for the back-channel deliveries' first attempt before
     * the post-logout redirect (only where this process runs the delivery worker; 0: no wait).
     */
    readonly redirectWaitMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid OP configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment once; reports every problem together. */
export function loadConfig(env: Record<string, string | undefined> = process.env): OpConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const c = parsed.data;
  return Object.freeze({
    issuer: c.OP_ISSUER,
    port: c.OP_PORT,
    databaseUrl: c.OP_DATABASE_URL,
    logLevel: c.OP_LOG_LEVEL,
    secureCookies: c.OP_ISSUER.startsWith('https:'),
    ttl: Object.freeze({
      session: c.OP_SESSION_TTL_SECONDS,
      interaction: c.OP_INTERACTION_TTL_SECONDS,
      code: c.OP_CODE_TTL_SECONDS,
      accessToken: c.OP_ACCESS_TOKEN_TTL_SECONDS,
      idToken: c.OP_ID_TOKEN_TTL_SECONDS,
      refreshToken: c.OP_REFRESH_TOKEN_TTL_SECONDS,
      jwtAccessToken: c.OP_JWT_ACCESS_TOKEN_TTL_SECONDS,
    }),
    accessTokens: Object.freeze({
      signingAlg: c.OP_ACCESS_TOKEN_SIGNING_ALG,
      audience: c.OP_ACCESS_TOKEN_AUDIENCE ?? c.OP_ISSUER,
    }),
    clientCacheTtlSeconds: c.OP_CLIENT_CACHE_TTL_SECONDS,
    registration: Object.freeze({
      mode: c.OP_REGISTRATION,
      ...(c.OP_REGISTRATION_INITIAL_ACCESS_TOKEN !== undefined && { initialAccessToken: c.OP_REGISTRATION_INITIAL_ACCESS_TOKEN }),
    }),
    commands: Object.freeze({
      pollMs: c.OP_COMMANDS_POLL_MS,
      maxAttempts: c.OP_COMMANDS_MAX_ATTEMPTS,
      concurrency: c.OP_COMMANDS_CONCURRENCY,
      callbackTtlSeconds: c.OP_COMMANDS_CALLBACK_TTL_SECONDS,
    }),
    ...(c.OP_ADMIN_TOKEN !== undefined && { adminToken: c.OP_ADMIN_TOKEN }),
    logout: Object.freeze({ sessionSweepSeconds: c.OP_SESSION_SWEEP_SECONDS, redirectWaitMs: c.OP_LOGOUT_REDIRECT_WAIT_MS }),
  });
}
