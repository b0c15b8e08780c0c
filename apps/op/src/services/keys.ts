import { KeySet, SIGNING_ALGS, generateSigningKey, type SigningAlg } from '@oidc-ref/crypto';
import type { SigningKeyRepository } from '../repositories/signing-key-repository.js';

/** The default ID token algorithm (RS256 is mandatory to implement, OIDC Core §15.1). */
export const ID_TOKEN_ALG: SigningAlg = 'RS256';

/** The algorithms the OP keeps one active signing key for. */
export const OP_SIGNING_ALGS: readonly SigningAlg[] = SIGNING_ALGS;

/** `Cache-Control: max-age` of the JWKS document, in seconds. */
export const JWKS_MAX_AGE_SECONDS = 300;

/** How often each OP process reloads the key table, in seconds. */
export const KEY_REFRESH_SECONDS = 30;

/**
 * How long a key must have been staged (published) before it may sign: twice the JWKS cache
 * lifetime, plus one reload interval, so every verifier has fetched it (checklist §15).
 */
export const MIN_STAGED_SECONDS = 2 * JWKS_MAX_AGE_SECONDS + KEY_REFRESH_SECONDS;

export interface KeyService {
  /** The loaded key set: active keys sign; staged, active and retired keys verify and are published. */
  current(): KeySet;
  /**
   * At start: creates a missing active key per algorithm (under the rotation lock), loads the
   * set, and starts the periodic refresh.
   */
  reload(): Promise<KeySet>;
  /** Reloads from the database now; re-imports only when some key was added, changed state or removed. */
  refresh(): Promise<KeySet>;
  /** Stops the periodic refresh. */
  stop(): void;
}

export interface KeyServiceOptions {
  /** Algorithms to keep an active key for. Default: RS256, PS256, ES256, EdDSA. */
  algs?: readonly SigningAlg[];
  /** Seconds between refreshes; 0 turns the timer off. Default {@link KEY_REFRESH_SECONDS}. */
  refreshIntervalSeconds?: number;
  /** Called when a periodic refresh fails (the previous set stays in use). */
  onRefreshError?: (err: unknown) => void;
  now?: () => Date;
}

/**
 * The OP's signing keys, shared by every OP process through the `signing_keys` table: each
 * process reloads it every {@link KEY_REFRESH_SECONDS} (timer unref'd), so a key staged or
 * promoted by the rotation CLI is picked up everywhere without a restart.
 */
export function createKeyService(repo: SigningKeyRepository, options: KeyServiceOptions = {}): KeyService {
  const algs = options.algs ?? OP_SIGNING_ALGS;
  const intervalMs = (options.refreshIntervalSeconds ?? KEY_REFRESH_SECONDS) * 1000;
  const now = options.now ?? (() => new Date());
  const onError =
    options.onRefreshError ??
    ((err: unknown) => process.emitWarning(`signing key refresh failed: ${err instanceof Error ? err.message : String(err)}`));
  let keySet: KeySet | undefined;
  let loadedFingerprint: string | undefined;
  let inFlight: Promise<KeySet> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function load(): Promise<KeySet> {
    const fingerprint = await repo.fingerprint();
    if (keySet && fingerprint === loadedFingerprint) return keySet;
    const loaded = await KeySet.load(await repo.listPublished());
    keySet = loaded;
    loadedFingerprint = fingerprint;
    return loaded;
  }

  const service: KeyService = {
    current() {
      if (!keySet) throw new Error('signing keys are not loaded: call reload() at start');
      return keySet;
    },
    async reload() {
      for (const alg of algs) await repo.ensureActive(alg, () => generateSigningKey(alg), now());
      const loaded = await service.refresh();
      if (intervalMs > 0 && !timer) {
        timer = setInterval(() => {
          service.refresh().catch(onError);
        }, intervalMs);
        timer.unref();
      }
      return loaded;
    },
    refresh() {
      inFlight ??= load().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
  return service;
}

export class KeyRotationError extends Error {}

/** Stages a new key for `alg`: published from the next reload, signing nothing until promoted. */
export async function stageKey(repo: SigningKeyRepository, alg: SigningAlg, now: Date): Promise<{ kid: string; alg: SigningAlg }> {
  const key = await generateSigningKey(alg, 'staged');
  await repo.insertStaged(key, now);
  return { kid: key.kid, alg };
}

export interface PromoteOptions {
  now: Date;
  /** Default {@link MIN_STAGED_SECONDS}; 0 skips the publication delay (tests, emergencies). */
  minStagedSeconds?: number;
}

/**
 * Promotes the oldest staged key of `alg` to active; the alg's previous active key becomes
 * retired (published, verifying only). Refuses a key staged less than `minStagedSeconds` ago,
 * since verifiers may not have fetched it yet.
 *
 * @throws {@link KeyRotationError} when no key is staged, or it was staged too recently.
 */
export async function promoteKey(
  repo: SigningKeyRepository,
  alg: SigningAlg,
  options: PromoteOptions,
): Promise<{ kid: string; retired: string[] }> {
  const minStaged = options.minStagedSeconds ?? MIN_STAGED_SECONDS;
  const stagedBefore = new Date(options.now.getTime() - minStaged * 1000);
  const result = await repo.promoteOldestStaged(alg, options.now, stagedBefore);
  switch (result.outcome) {
    case 'promoted':
      return { kid: result.kid, retired: result.retired };
    case 'none-staged':
      throw new KeyRotationError(`no staged ${alg} key to promote: stage one first`);
    case 'too-young': {
      const ready = new Date(result.stagedAt.getTime() + minStaged * 1000);
      throw new KeyRotationError(`the staged ${alg} key ${result.kid} may sign from ${ready.toISOString()} (published too recently)`);
    }
  }
}

/**
 * Deletes retired keys retired more than `retentionSeconds` ago. Active and staged keys are
 * never pruned.
 */
export async function pruneKeys(repo: SigningKeyRepository, options: { now: Date; retentionSeconds: number }): Promise<string[]> {
  if (!Number.isFinite(options.retentionSeconds) || options.retentionSeconds < 0) {
    throw new KeyRotationError('retention must be a non-negative number of seconds');
  }
  return repo.deleteRetiredBefore(new Date(options.now.getTime() - options.retentionSeconds * 1000));
}
