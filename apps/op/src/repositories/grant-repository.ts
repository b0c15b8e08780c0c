import type { Db } from '../db/client.js';
import type { AccessTokenRecord } from './access-token-repository.js';

export type RedeemResult = 'redeemed' | 'already-used';

/** An access token to store: everything but its revocation; session and auth facts optional. */
export type NewAccessToken = Pick<AccessTokenRecord, 'id' | 'grantId' | 'clientId' | 'userId' | 'scope' | 'expiresAt'> &
  Partial<Pick<AccessTokenRecord, 'sessionId' | 'authTime' | 'acr' | 'amr'>> & { claims?: object | null };

/** Multi-row writes of the authorization_code grant, each in one transaction. */
export function grantRepository(db: Db) {
  return {
    /**
     * Marks the code used and stores the tokens issued for it, atomically: a code is redeemed
     * by exactly one caller, and a crash leaves neither a used code without tokens nor tokens
     * without a used code.
     */
    redeemCode(codeId: string, now: Date, token: NewAccessToken): Promise<RedeemResult> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.authorizationCode.updateMany({
          where: { id: codeId, consumedAt: null },
          data: { consumedAt: now },
        });
        if (count !== 1) return 'already-used';
        await tx.accessToken.create({ data: { ...token, claims: token.claims ?? undefined } });
        return 'redeemed';
      });
    },
    /** Revokes every token issued under the grant (code replay, RFC 6749 §4.1.2). */
    async revokeGrant(grantId: string, now: Date): Promise<number> {
      const { count } = await db.accessToken.updateMany({
        where: { grantId, revokedAt: null },
        data: { revokedAt: now },
      });
      return count;
    },
  };
}
export type GrantRepository = ReturnType<typeof grantRepository>;
