import type { Db } from '../db/client.js';

export interface AuthorizationCodeRecord {
  /** SHA-256 of the code value. */
  id: string;
  grantId: string;
  clientId: string;
  userId: string;
  sessionId: string;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  authTime: Date;
  acr: string;
  amr: string[];
  maxAgeRequested: boolean;
  /** The `claims` request parameter (OIDC Core §5.5): `{ id_token?, userinfo? }`, or null. */
  claims?: unknown;
  expiresAt: Date;
  consumedAt: Date | null;
}

export function authorizationCodeRepository(db: Db) {
  return {
    async create(input: Omit<AuthorizationCodeRecord, 'consumedAt' | 'claims'> & { claims?: object | null }): Promise<void> {
      await db.authorizationCode.create({ data: { ...input, claims: input.claims ?? undefined } });
    },
    findById(id: string): Promise<AuthorizationCodeRecord | null> {
      return db.authorizationCode.findUnique({ where: { id } });
    },
  };
}
export type AuthorizationCodeRepository = ReturnType<typeof authorizationCodeRepository>;
