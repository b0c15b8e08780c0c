// Signing key rotation for operators (OIDC Core §10.1.1):
//   node dist/cli/rotate-keys.js list
//   node dist/cli/rotate-keys.js stage   [--alg RS256]           publish a new key (signs nothing yet)
//   node dist/cli/rotate-keys.js promote [--alg RS256] [--now]   the oldest staged key signs; the old one retires
//   node dist/cli/rotate-keys.js prune   [--retention-seconds N] delete keys retired more than N seconds ago
// Without --alg, stage and promote act on every algorithm. Reads the OP's environment
// (OP_DATABASE_URL, OP_ID_TOKEN_TTL_SECONDS, ...). Running OP processes pick changes up within
// 30 seconds. Never prints key material.
import { isSigningAlg, type SigningAlg } from '@oidc-ref/crypto';
import { ConfigError, loadConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { signingKeyRepository, type SigningKeyRepository } from '../repositories/signing-key-repository.js';
import {
  JWKS_MAX_AGE_SECONDS,
  KeyRotationError,
  OP_SIGNING_ALGS,
  promoteKey,
  pruneKeys,
  stageKey,
} from '../services/keys.js';

/** Default retention of retired keys: one day. */
export const DEFAULT_RETENTION_SECONDS = 24 * 3600;

export const USAGE = `usage: rotate-keys <list | stage [--alg ALG] | promote [--alg ALG] [--now] | prune [--retention-seconds N]>
  ALG: ${OP_SIGNING_ALGS.join(', ')}
  --now                  promote even if the key was published less than 2 x JWKS max-age ago
  --retention-seconds N  default ${DEFAULT_RETENTION_SECONDS}; at least the ID token lifetime + ${JWKS_MAX_AGE_SECONDS}`;

export class UsageError extends Error {}

export type RotateCommand =
  | { command: 'list' }
  | { command: 'stage'; algs: readonly SigningAlg[] }
  | { command: 'promote'; algs: readonly SigningAlg[]; now: boolean }
  | { command: 'prune'; retentionSeconds: number };

/** Parses the command line (without `node` and the script). */
export function parseRotateArgs(args: readonly string[]): RotateCommand {
  const [command, ...rest] = args;
  let alg: SigningAlg | undefined;
  let retention: number | undefined;
  let now = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--alg' && (command === 'stage' || command === 'promote')) {
      const value = rest[++i];
      if (!isSigningAlg(value)) throw new UsageError(`--alg must be one of ${OP_SIGNING_ALGS.join(', ')}`);
      alg = value;
    } else if (flag === '--now' && command === 'promote') {
      now = true;
    } else if (flag === '--retention-seconds' && command === 'prune') {
      const value = rest[++i] ?? '';
      if (!/^\d+$/.test(value)) throw new UsageError('--retention-seconds must be a whole number of seconds');
      retention = Number(value);
    } else {
      throw new UsageError(`unexpected argument ${flag ?? ''}`.trim());
    }
  }
  const algs = alg === undefined ? OP_SIGNING_ALGS : [alg];
  switch (command) {
    case 'list':
      return { command };
    case 'stage':
      return { command, algs };
    case 'promote':
      return { command, algs, now };
    case 'prune':
      return { command, retentionSeconds: retention ?? DEFAULT_RETENTION_SECONDS };
    default:
      throw new UsageError(command === undefined ? 'a command is required' : `unknown command ${command}`);
  }
}

export interface RotateDeps {
  repo: SigningKeyRepository;
  now: () => Date;
  /** The ID token lifetime: retired keys are kept at least this long plus the JWKS cache time. */
  idTokenTtlSeconds: number;
  out: (line: string) => void;
}

/** Runs one command; returns the exit code (0 done, 1 refused). */
export async function runRotateKeys(command: RotateCommand, deps: RotateDeps): Promise<number> {
  const { repo, out } = deps;
  switch (command.command) {
    case 'list': {
      for (const key of await repo.listSummaries()) {
        const times = [`created ${key.createdAt.toISOString()}`];
        if (key.activatedAt) times.push(`activated ${key.activatedAt.toISOString()}`);
        if (key.retiredAt) times.push(`retired ${key.retiredAt.toISOString()}`);
        out(`${key.alg}\t${key.status}\t${key.kid}\t${times.join(', ')}`);
      }
      return 0;
    }
    case 'stage': {
      for (const alg of command.algs) {
        const { kid } = await stageKey(repo, alg, deps.now());
        out(`staged ${alg} ${kid}`);
      }
      return 0;
    }
    case 'promote': {
      let failed = false;
      for (const alg of command.algs) {
        try {
          const { kid, retired } = await promoteKey(repo, alg, { now: deps.now(), ...(command.now && { minStagedSeconds: 0 }) });
          out(`promoted ${alg} ${kid}${retired.length > 0 ? `; retired ${retired.join(', ')}` : ''}`);
        } catch (err) {
          if (!(err instanceof KeyRotationError)) throw err;
          out(`not promoted: ${err.message}`);
          failed = true;
        }
      }
      return failed ? 1 : 0;
    }
    case 'prune': {
      const minimum = deps.idTokenTtlSeconds + JWKS_MAX_AGE_SECONDS;
      if (command.retentionSeconds < minimum) {
        out(`refused: the retention must be at least ${minimum} s (ID token lifetime + JWKS max-age)`);
        return 1;
      }
      const deleted = await pruneKeys(repo, { now: deps.now(), retentionSeconds: command.retentionSeconds });
      out(deleted.length > 0 ? `pruned ${deleted.join(', ')}` : 'nothing to prune');
      return 0;
    }
  }
}

async function main(): Promise<number> {
  let command: RotateCommand;
  try {
    command = parseRotateArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    return await runRotateKeys(command, {
      repo: signingKeyRepository(db),
      now: () => new Date(),
      idTokenTtlSeconds: config.ttl.idToken,
      out: (line) => console.log(line),
    });
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : `rotate-keys failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
