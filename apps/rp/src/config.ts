import { z } from 'zod';

import { allowsInsecureRequests } from './lib/loopback.js';
import {
  DEFAULT_ACR_VALUES,
  DEFAULT_STEP_UP_POLICY,
  parseStepUpPolicy,
  type StepUpPolicy,
} from './lib/step-up-policy.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The RP's configuration: parsed from the environment once, then frozen. */
export interface RpConfig {
  /** `RP_PORT`: the port the HTTP server listens on. */
  readonly port: number;
  /** `RP_BASE_URL`, without a trailing slash: the RP's public origin. */
  readonly baseUrl: string;
  /** `${baseUrl}/callback`: the redirect URI registered at the OP. */
  readonly redirectUri: string;
  /** `RP_DATABASE_URL`: the RP's own Postgres database. */
  readonly databaseUrl: string;
  /** `RP_OIDC_ISSUER`, exactly as given (issuer comparison is exact). */
  readonly issuer: string;
  /** True when the issuer is `http:` on a loopback host: openid-client may use plain HTTP. */
  readonly allowInsecureIssuer: boolean;
  /** `RP_CLIENT_ID`. */
  readonly clientId: string;
  /** `RP_CLIENT_SECRET`, sent with `client_secret_basic`. Never logged. */
  readonly clientSecret: string;
  /** `RP_SESSION_TTL_SECONDS`: lifetime of a signed-in session. */
  readonly sessionTtlSeconds: number;
  /** `RP_LOG_LEVEL`. */
  readonly logLevel: LogLevel;
  /** True when `baseUrl` is https: cookies get the `Secure` attribute. */
  readonly secureCookies: boolean;
  /** `RP_ACR_VALUES`: the acr values the RP ranks, weakest first. An acr not listed ranks below all. */
  readonly acrValues: readonly string[];
  /**
   * `RP_STEP_UP_POLICY`: the default step-up policy (sensitive action → required acr and max
   * age), for tenants without their own. Every acr in it is one of `acrValues`.
   */
  readonly stepUpPolicy: StepUpPolicy;
}

/** Thrown by {@link parseConfig}; `problems` lists every invalid variable at once. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const required = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a string`) });

function httpUrl(name: string) {
  return z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash && !url.username;
      } catch {
        return false;
      }
    },
    { message: `${name} must be an absolute http(s) URL without query, fragment or credentials` },
  );
}

/** One acr value: visible ASCII, no `"` or `\` (it travels in a quoted challenge parameter). */
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const EnvSchema = z.object({
  RP_PORT: z.coerce
    .number({ error: 'RP_PORT must be a number' })
    .int('RP_PORT must be an integer')
    .min(0, 'RP_PORT must be between 0 and 65535')
    .max(65535, 'RP_PORT must be between 0 and 65535')
    .default(3000),
  RP_BASE_URL: httpUrl('RP_BASE_URL').default('http://localhost:3000'),
  RP_DATABASE_URL: required('RP_DATABASE_URL').regex(
    /^postgres(ql)?:\/\/\S+$/,
    'RP_DATABASE_URL must be a postgres:// or postgresql:// connection string',
  ),
  RP_OIDC_ISSUER: httpUrl('RP_OIDC_ISSUER')
    .refine((value) => new URL(value).protocol === 'https:' || allowsInsecureRequests(new URL(value)), {
      message:
        'RP_OIDC_ISSUER must use https unless its host is a loopback address (localhost, 127.0.0.1, [::1])',
    })
    .default('http://localhost:4000'),
  RP_CLIENT_ID: z.string().min(1, 'RP_CLIENT_ID must not be empty').default('demo-rp'),
  RP_CLIENT_SECRET: required('RP_CLIENT_SECRET').min(1, 'RP_CLIENT_SECRET must not be empty'),
  RP_SESSION_TTL_SECONDS: z.coerce
    .number({ error: 'RP_SESSION_TTL_SECONDS must be a number' })
    .int('RP_SESSION_TTL_SECONDS must be an integer')
    .min(60, 'RP_SESSION_TTL_SECONDS must be at least 60')
    .max(31_536_000, 'RP_SESSION_TTL_SECONDS must be at most one year')
    .default(28_800),
  RP_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `RP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  RP_ACR_VALUES: z
    .string()
    .transform((value) => value.split(/\s+/).filter((acr) => acr !== ''))
    .pipe(
      z
        .array(z.string().regex(ACR_VALUE, 'RP_ACR_VALUES must be visible ASCII without quotes or backslashes'))
        .refine((values) => new Set(values).size === values.length, 'RP_ACR_VALUES must not repeat a value'),
    )
    .default([...DEFAULT_ACR_VALUES]),
  RP_STEP_UP_POLICY: z
    .string()
    .transform((value, ctx): unknown => {
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'RP_STEP_UP_POLICY must be JSON' });
        return z.NEVER;
      }
      const policy = parseStepUpPolicy(json);
      if (!policy.ok) {
        for (const problem of policy.problems) ctx.addIssue({ code: 'custom', message: `RP_STEP_UP_POLICY ${problem}` });
        return z.NEVER;
      }
      return policy.policy;
    })
    .default(DEFAULT_STEP_UP_POLICY),
});

/** The environment variables the RP reads (the schema's keys). */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape) as ReadonlyArray<keyof typeof EnvSchema.shape>;

/**
 * Validates an environment and returns the frozen configuration. Empty values count as unset.
 * Every problem is reported together in one {@link ConfigError}.
 *
 * @example
 * const config = parseConfig({ RP_DATABASE_URL: 'postgresql://localhost/rp', RP_CLIENT_SECRET: 's' });
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): RpConfig {
  const input: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }
  const result = EnvSchema.safeParse(input);
  const problems = result.success ? [] : result.error.issues.map((issue) => issue.message);
  // The policy's acr values must be ranked: checked across the two variables, whenever both parse.
  const acrValues = EnvSchema.shape.RP_ACR_VALUES.safeParse(input['RP_ACR_VALUES']);
  const rawPolicy = EnvSchema.shape.RP_STEP_UP_POLICY.safeParse(input['RP_STEP_UP_POLICY']);
  let stepUpPolicy: StepUpPolicy | undefined;
  if (acrValues.success && rawPolicy.success) {
    const checked = parseStepUpPolicy(rawPolicy.data, acrValues.data);
    if (checked.ok) stepUpPolicy = checked.policy;
    else problems.push(...checked.problems.map((problem) => `RP_STEP_UP_POLICY ${problem}`));
  }
  if (!result.success || !stepUpPolicy || problems.length > 0) {
    throw new ConfigError(problems);
  }
  const values = result.data;
  const baseUrl = values.RP_BASE_URL.replace(/\/+$/, '');
  return Object.freeze({
    port: values.RP_PORT,
    baseUrl,
    redirectUri: `${baseUrl}/callback`,
    databaseUrl: values.RP_DATABASE_URL,
    issuer: values.RP_OIDC_ISSUER,
    allowInsecureIssuer: allowsInsecureRequests(new URL(values.RP_OIDC_ISSUER)),
    clientId: values.RP_CLIENT_ID,
    clientSecret: values.RP_CLIENT_SECRET,
    sessionTtlSeconds: values.RP_SESSION_TTL_SECONDS,
    logLevel: values.RP_LOG_LEVEL,
    secureCookies: new URL(baseUrl).protocol === 'https:',
    acrValues: Object.freeze([...values.RP_ACR_VALUES]),
    stepUpPolicy,
  });
}

let loaded: RpConfig | undefined;

/**
 * Reads `process.env` once (later calls return the same object). On invalid configuration it
 * prints every problem to stderr and exits with status 1.
 */
export function loadConfig(): RpConfig {
  if (loaded) return loaded;
  try {
    loaded = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`RP: ${error.message}\nSee apps/rp/.env.example.\n`);
      process.exit(1);
    }
    throw error;
  }
  return loaded;
}
