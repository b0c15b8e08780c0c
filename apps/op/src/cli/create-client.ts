// Creates or replaces a client in OP_DATABASE_URL, from a JSON file, a JSON argument or stdin:
//
//   OP_DATABASE_URL=postgresql://… node dist/cli/create-client.js client.json
//   OP_DATABASE_URL=postgresql://… node dist/cli/create-client.js '{"id":"my-app","metadata":{…}}'
//   cat client.json | OP_DATABASE_URL=postgresql://… node dist/cli/create-client.js -
//
// The document is { id, secret?, firstParty?, metadata } where metadata is RFC 7591 / OpenID
// Dynamic Client Registration metadata (defaults applied on save). A confidential client without
// a secret gets a generated one, printed once. Prints the stored client as JSON on stdout.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { randomToken } from '@oidc-ref/crypto';
import { ClientMetadataSchema, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import { createDb } from '../db/client.js';
import { createRepositories } from '../repositories/index.js';

const USAGE = 'usage: create-client <client.json | JSON document | -> (reads OP_DATABASE_URL)';

const ClientDocumentSchema = z.strictObject({
  id: z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  /** Omitted: generated for a confidential client. `null`: none (public client, `none`). */
  secret: z.string().min(1).nullable().optional(),
  firstParty: z.boolean().default(false),
  metadata: z.record(z.string(), z.unknown()),
});

export interface ClientDocument {
  id: string;
  secret: string | null;
  firstParty: boolean;
  metadata: ClientMetadataInput;
  /** Whether `secret` was generated here (and must be shown to the operator once). */
  secretGenerated: boolean;
}

export class ClientDocumentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid client document:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses and checks a client document; every problem is reported together. Pure, except that
 * it generates a secret for a confidential client that has none.
 */
export function parseClientDocument(text: string, generateSecret: () => string = () => randomToken(32)): ClientDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ClientDocumentError([`not JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = ClientDocumentSchema.safeParse(json);
  if (!parsed.success) throw new ClientDocumentError(parsed.error.issues.map(describeIssue));
  const metadata = ClientMetadataSchema.safeParse(parsed.data.metadata);
  if (!metadata.success) {
    throw new ClientDocumentError(metadata.error.issues.map((issue) => describeIssue({ ...issue, path: ['metadata', ...issue.path] })));
  }
  const method = metadata.data.token_endpoint_auth_method;
  const needsSecret = method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt';
  if (method === 'none' && typeof parsed.data.secret === 'string') {
    throw new ClientDocumentError(['secret: a client with token_endpoint_auth_method "none" must not have one']);
  }
  if (needsSecret && parsed.data.secret === null) {
    throw new ClientDocumentError([`secret: token_endpoint_auth_method "${method}" needs one (omit it to generate one)`]);
  }
  const secretGenerated = needsSecret && parsed.data.secret === undefined;
  const secret = secretGenerated ? generateSecret() : (parsed.data.secret ?? null);
  return {
    id: parsed.data.id,
    secret,
    firstParty: parsed.data.firstParty,
    metadata: parsed.data.metadata as ClientMetadataInput,
    secretGenerated,
  };
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

async function readDocument(arg: string): Promise<string> {
  if (arg === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  if (arg.trimStart().startsWith('{')) return arg;
  return readFile(arg, 'utf8');
}

async function main() {
  const arg = process.argv[2];
  if (arg === undefined || arg === '--help' || arg === '-h' || process.argv.length > 3) {
    console.error(USAGE);
    process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
  }
  const url = process.env.OP_DATABASE_URL;
  if (!url) throw new Error('OP_DATABASE_URL is required');
  const document = parseClientDocument(await readDocument(arg));
  const db = createDb(url);
  try {
    const client = await createRepositories(db).clients.save({
      id: document.id,
      secret: document.secret,
      firstParty: document.firstParty,
      metadata: document.metadata,
    });
    const output = {
      client_id: client.id,
      ...(document.secretGenerated && { client_secret: document.secret }),
      first_party: client.firstParty,
      ...client.metadata,
    };
    console.log(JSON.stringify(output, null, 2));
    if (document.secretGenerated) console.error('op: a client secret was generated; it is shown once, above');
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error('op: creating the client failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
