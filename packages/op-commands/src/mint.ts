import { randomToken } from '@oidc-ref/crypto';
import { isAccountCommand, isTenantCommand, type CommandName } from './commands.js';
import { CommandError } from './errors.js';

/** Anything that signs a JWT with the OP's ID-token keys, e.g. `@oidc-ref/crypto`'s `KeySet`. */
export interface CommandSigner {
  sign(payload: Record<string, unknown>, options: { typ: string }): Promise<string>;
}

export interface CommandTokenInput {
  issuer: string;
  /** The RP's registered Command Endpoint: the token's `aud` (draft 01+), not the client_id. */
  commandEndpoint: string;
  clientId: string;
  tenant: string;
  command: CommandName;
  /** Account commands only. */
  sub?: string;
  audSub?: string;
  /** Profile claims for `activate` / `maintain` (OIDC standard claims, `groups`, `roles`). */
  claims?: Record<string, unknown>;
  /** `metadata` command only: the OP metadata object (§6.1). */
  metadata?: Record<string, unknown>;
  /** `*_async`, `metadata` and `audit_tenant` only. */
  callbackToken?: string;
  /** `migrate` only. */
  authenticationProvider?: 'op' | 'op_migration';
  now: Date;
  /** Lifetime; at most 120 s (§9). Default 60. */
  ttlSeconds?: number;
  /** Default: a fresh random value. Every delivery attempt needs a new one. */
  jti?: string;
  /**
   * Send draft 00's name (`unauthorize`, `unauthorize_async`, `unauthorize_tenant`) instead of
   * `invalidate*`: only for an RP whose metadata lists `unauthorize` but not `invalidate` (§13).
   * Ignored for every other command.
   */
  draft00Name?: boolean;
}

/** The draft 00 name of an `invalidate*` command (§13), if it has one. */
export function draft00NameOf(command: CommandName): string | undefined {
  return command.startsWith('invalidate') ? command.replace(/^invalidate/, 'unauthorize') : undefined;
}

/** Claims no command token may carry, whatever the caller passes in `claims`. */
const RESERVED = new Set([
  'iss', 'aud', 'client_id', 'iat', 'exp', 'jti', 'command', 'tenant', 'sub', 'aud_sub',
  'callback_token', 'metadata', 'authentication_provider', 'nonce', 'nbf', 'auth_time', 'acr', 'amr', 'sid', 'events',
]);

/** Builds the claims set of a command token, enforcing draft 02's per-command rules (§4). */
export function commandTokenClaims(input: CommandTokenInput): Record<string, unknown> {
  const { command } = input;
  const account = isAccountCommand(command);
  if (!account && !isTenantCommand(command)) throw new CommandError('ERR_CLAIMS', `unknown command: ${command}`);
  const ttl = input.ttlSeconds ?? 60;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 120) throw new CommandError('ERR_TTL', 'a command token lives at most 120 seconds');
  const fail = (message: string) => new CommandError('ERR_CLAIMS', `${command}: ${message}`);

  if (account && !input.sub) throw fail('sub is required for account commands');
  if (!account && (input.sub !== undefined || input.audSub !== undefined)) throw fail('tenant commands must not carry sub or aud_sub');
  if ((input.metadata !== undefined) !== (command === 'metadata')) throw fail('metadata is required in, and only in, the metadata command');
  if ((input.authenticationProvider !== undefined) !== (command === 'migrate' || command === 'migrate_async')) {
    throw fail('authentication_provider is required in, and only in, migrate');
  }
  if (input.callbackToken !== undefined && !(command.endsWith('_async') || command === 'metadata' || command === 'audit_tenant')) {
    throw fail('callback_token is allowed only in *_async, metadata and audit_tenant');
  }
  if (input.claims !== undefined) {
    if (!['activate', 'maintain', 'activate_async', 'maintain_async'].includes(command)) throw fail('profile claims belong to activate and maintain only');
    const reserved = Object.keys(input.claims).filter((name) => RESERVED.has(name));
    if (reserved.length > 0) throw fail(`claims must not set ${reserved.join(', ')}`);
  }

  const iat = Math.floor(input.now.getTime() / 1000);
  return {
    ...input.claims,
    iss: input.issuer,
    aud: input.commandEndpoint,
    client_id: input.clientId,
    iat,
    exp: iat + ttl,
    jti: input.jti ?? randomToken(18),
    command: (input.draft00Name === true && draft00NameOf(command)) || command,
    tenant: input.tenant,
    ...(input.sub !== undefined && { sub: input.sub }),
    ...(input.audSub !== undefined && { aud_sub: input.audSub }),
    ...(input.metadata !== undefined && { metadata: input.metadata }),
    ...(input.callbackToken !== undefined && { callback_token: input.callbackToken }),
    ...(input.authenticationProvider !== undefined && { authentication_provider: input.authenticationProvider }),
  };
}

/**
 * Mints a command token: the claims of {@link commandTokenClaims}, signed with the OP's ID-token
 * keys, header `typ: command+jwt`.
 *
 * @example
 * const token = await mintCommandToken(keySet, {
 *   issuer, commandEndpoint: client.command_endpoint, clientId: client.id,
 *   tenant: 'acme', command: 'suspend', sub: user.id, now: new Date(),
 * });
 */
export function mintCommandToken(signer: CommandSigner, input: CommandTokenInput): Promise<string> {
  return signer.sign(commandTokenClaims(input), { typ: 'command+jwt' });
}
