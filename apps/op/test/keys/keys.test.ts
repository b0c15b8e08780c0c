import path from 'node:path';
import request from 'supertest';
import { decodeJwtUnverified, verifyJwtWithJwks, type SigningAlg } from '@oidc-ref/crypto';
import { createTestDatabase } from '@oidc-ref/dev-postgres';
import { parseRotateArgs, runRotateKeys } from '../../src/cli/rotate-keys.js';
import { createDb } from '../../src/db/client.js';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { signingKeyRepository } from '../../src/repositories/signing-key-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { clientKeys } from '../../src/services/client-keys.js';
import { mintIdToken } from '../../src/services/id-token.js';
import {
  KeyRotationError,
  MIN_STAGED_SECONDS,
  createKeyService,
  promoteKey,
  pruneKeys,
  stageKey,
  type KeyService,
} from '../../src/services/keys.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { createClient, createUser } from '../helpers/factories.js';

let op: TestOp;
let user: UserRecord;
const clients: Partial<Record<SigningAlg, ClientRecord>> = {};

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    clients[alg] = await createClient(op.repos, { metadata: { id_token_signed_response_alg: alg } });
  }
});
afterAll(() => op.dispose());

const later = (seconds: number) => new Date(op.clock.now.getTime() + seconds * 1000);

async function idToken(keys: KeyService, alg: SigningAlg, now = op.clock.now) {
  return mintIdToken(
    { keys, clientKeys: clientKeys() },
    { issuer: ISSUER, user, client: clients[alg]!, nonce: null, authTime: now, acr: 'a', amr: ['pwd'], now, ttlSeconds: 600 },
  );
}

async function publishedJwks() {
  const res = await request(op.app).get('/jwks');
  return JSON.parse(res.text) as { keys: Array<Record<string, unknown>> };
}

const kidOf = (token: string) => decodeJwtUnverified(token).header.kid;

describe('at start', () => {
  it('has one active key per algorithm, published with Cache-Control max-age=300', async () => {
    const res = await request(op.app).get('/jwks');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['content-type']).toContain('application/jwk-set+json');
    const keys = (JSON.parse(res.text).keys as Array<Record<string, unknown>>).filter((key) => key.use === 'sig');
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    const summaries = await op.repos.signingKeys.listSummaries();
    expect(summaries.every((key) => key.status === 'active' && key.activatedAt !== null)).toBe(true);
  });

  it('creates nothing more when processes start again, even several at once', async () => {
    const before = await op.repos.signingKeys.listSummaries();
    const services = [0, 1, 2].map(() => createKeyService(op.repos.signingKeys, { refreshIntervalSeconds: 0 }));
    await Promise.all(services.map((service) => service.reload()));
    expect(await op.repos.signingKeys.listSummaries()).toEqual(before);
  });
});

describe('rotation without downtime', () => {
  let oldKid: string;
  let stagedKid: string;
  let tokenFromOldKey: string;

  it('publishes a staged key before it signs anything', async () => {
    tokenFromOldKey = await idToken(op.keys, 'ES256');
    oldKid = kidOf(tokenFromOldKey) as string;
    ({ kid: stagedKid } = await stageKey(op.repos.signingKeys, 'ES256', op.clock.now));
    await op.keys.refresh();
    const jwks = await publishedJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, stagedKid]));
    expect(jwks.keys.find((key) => key.kid === stagedKid)).toMatchObject({ alg: 'ES256', use: 'sig' });
    expect(kidOf(await idToken(op.keys, 'ES256'))).toBe(oldKid);
  });

  it('refuses to promote a key published less than 2 x max-age ago', async () => {
    await expect(promoteKey(op.repos.signingKeys, 'ES256', { now: later(60) })).rejects.toBeInstanceOf(KeyRotationError);
    await op.keys.refresh();
    expect(kidOf(await idToken(op.keys, 'ES256'))).toBe(oldKid);
  });

  it('after promotion, tokens carry the new kid and the old key still verifies from the JWKS', async () => {
    const promoted = await promoteKey(op.repos.signingKeys, 'ES256', { now: later(MIN_STAGED_SECONDS) });
    expect(promoted).toEqual({ kid: stagedKid, retired: [oldKid] });
    await op.keys.refresh();
    const fresh = await idToken(op.keys, 'ES256');
    expect(kidOf(fresh)).toBe(stagedKid);

    const jwks = await publishedJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, stagedKid]));
    for (const token of [tokenFromOldKey, fresh]) {
      const { payload } = await verifyJwtWithJwks(token, jwks, { issuer: ISSUER, audience: clients.ES256!.id });
      expect(payload.sub).toBe(user.id);
    }
    const statuses = Object.fromEntries((await op.repos.signingKeys.listSummaries()).map((key) => [key.kid, key.status]));
    expect(statuses[oldKid]).toBe('retired');
    expect(statuses[stagedKid]).toBe('active');
    // Other algorithms are untouched.
    expect((await op.repos.signingKeys.listSummaries()).filter((key) => key.status === 'active')).toHaveLength(4);
  });

  it('refuses to promote when nothing is staged', async () => {
    await expect(promoteKey(op.repos.signingKeys, 'EdDSA', { now: later(MIN_STAGED_SECONDS), minStagedSeconds: 0 })).rejects.toThrow(
      /no staged EdDSA key/,
    );
  });

  it('prunes only retired keys older than the retention', async () => {
    const { kid: recentStaged } = await stageKey(op.repos.signingKeys, 'EdDSA', op.clock.now);
    // Retired at later(MIN_STAGED_SECONDS): a retention reaching past it keeps the key.
    expect(await pruneKeys(op.repos.signingKeys, { now: later(MIN_STAGED_SECONDS + 100), retentionSeconds: 3600 })).toEqual([]);
    const deleted = await pruneKeys(op.repos.signingKeys, { now: later(MIN_STAGED_SECONDS + 3601), retentionSeconds: 3600 });
    expect(deleted).toEqual([oldKid]);
    const remaining = await op.repos.signingKeys.listSummaries();
    expect(remaining.map((key) => key.kid)).not.toContain(oldKid);
    expect(remaining.map((key) => key.kid)).toEqual(expect.arrayContaining([stagedKid, recentStaged]));
    expect(remaining.filter((key) => key.status === 'active')).toHaveLength(4);
    await op.keys.refresh();
    expect((await publishedJwks()).keys.map((key) => key.kid)).not.toContain(oldKid);
  });
});

describe('several OP processes', () => {
  it('converge after reload: same published keys, same signing key', async () => {
    const a = createKeyService(op.repos.signingKeys, { refreshIntervalSeconds: 0 });
    const b = createKeyService(op.repos.signingKeys, { refreshIntervalSeconds: 0 });
    await Promise.all([a.reload(), b.reload()]);
    const { kid } = await stageKey(op.repos.signingKeys, 'RS256', op.clock.now);
    await a.refresh();
    expect(a.current().has(kid)).toBe(true);
    expect(b.current().has(kid)).toBe(false);
    await promoteKey(op.repos.signingKeys, 'RS256', { now: op.clock.now, minStagedSeconds: 0 });
    await Promise.all([a.refresh(), b.refresh()]);
    expect(a.current().publicJwks()).toEqual(b.current().publicJwks());
    expect(a.current().signingKey('RS256').kid).toBe(kid);
    expect(b.current().signingKey('RS256').kid).toBe(kid);
    expect(kidOf(await idToken(b, 'RS256'))).toBe(kid);
  });

  it('reload periodically on their own', async () => {
    const service = createKeyService(op.repos.signingKeys, { refreshIntervalSeconds: 0.05 });
    await service.reload();
    try {
      const { kid } = await stageKey(op.repos.signingKeys, 'PS256', op.clock.now);
      for (let i = 0; i < 50 && !service.current().has(kid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(service.current().has(kid)).toBe(true);
    } finally {
      service.stop();
    }
  });

  it('keep the last good set when a refresh fails, and report it', async () => {
    const failures: unknown[] = [];
    let down = false;
    const real = op.repos.signingKeys;
    const repo = { ...real, fingerprint: () => (down ? Promise.reject(new Error('database down')) : real.fingerprint()) };
    const service = createKeyService(repo, { refreshIntervalSeconds: 0.02, onRefreshError: (err) => failures.push(err) });
    const loaded = await service.reload();
    try {
      down = true;
      for (let i = 0; i < 50 && failures.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(failures[0]).toEqual(new Error('database down'));
      expect(service.current()).toBe(loaded);
    } finally {
      service.stop();
    }
  });
});

describe('first start of two processes on an empty database', () => {
  it('creates exactly one active key per algorithm', async () => {
    const database = await createTestDatabase({
      migrationsDir: path.join(__dirname, '../../prisma/migrations'),
      prefix: 'op_keys_test',
      serverUrl: process.env.TEST_DATABASE_URL,
    });
    const db = createDb(database.url);
    try {
      const repo = signingKeyRepository(db);
      const services = [0, 1].map(() => createKeyService(repo, { refreshIntervalSeconds: 0 }));
      await Promise.all(services.map((service) => service.reload()));
      const keys = await repo.listSummaries();
      expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
      expect(services[0]!.current().publicJwks()).toEqual(services[1]!.current().publicJwks());
    } finally {
      await db.$disconnect();
      await database.dispose();
    }
  });
});

describe('rotate-keys CLI', () => {
  const run = async (args: string[], now = op.clock.now) => {
    const lines: string[] = [];
    const code = await runRotateKeys(parseRotateArgs(args), {
      repo: op.repos.signingKeys,
      now: () => now,
      idTokenTtlSeconds: op.config.ttl.idToken,
      out: (line) => lines.push(line),
    });
    return { code, output: lines.join('\n') };
  };

  it('stages, refuses an early promotion, promotes, lists, and prunes', async () => {
    const staged = await run(['stage', '--alg', 'ES256'], later(1));
    expect(staged.code).toBe(0);
    const kid = /^staged ES256 (\S+)$/.exec(staged.output)?.[1];
    expect(kid).toBeDefined();

    const early = await run(['promote', '--alg', 'ES256'], later(2));
    expect(early.code).toBe(1);
    expect(early.output).toMatch(/not promoted/);

    const promoted = await run(['promote', '--alg', 'ES256'], later(3 * MIN_STAGED_SECONDS));
    expect(promoted.code).toBe(0);
    expect(promoted.output).toMatch(new RegExp(`^promoted ES256 ${kid}; retired \\S+$`));

    const list = await run(['list']);
    expect(list.output).toMatch(new RegExp(`ES256\\tactive\\t${kid}`));
    expect(list.output).not.toMatch(/"d"|privateJwk/);

    const tooShort = await run(['prune', '--retention-seconds', '60']);
    expect(tooShort.code).toBe(1);
    const pruned = await run(['prune'], later(3 * MIN_STAGED_SECONDS + 24 * 3600 + 1));
    expect(pruned.code).toBe(0);
    expect(pruned.output).toMatch(/^pruned /);
  });

  it('promote without --alg reports algorithms with nothing staged', async () => {
    const result = await run(['promote', '--now']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/no staged RS256 key/);
  });

  it.each([[[]], [['rotate']], [['stage', '--alg', 'HS256']], [['prune', '--retention-seconds', 'soon']], [['list', '--alg', 'RS256']]])(
    'rejects the command line %p',
    (args) => {
      expect(() => parseRotateArgs(args)).toThrow();
    },
  );
});
