import type { Db } from '../db/client.js';
import type { NewAccessToken } from './access-token-repository.js';
import type { AuthorizationCodeRecord } from './authorization-code-repository.js';

/**
 * An authorization code to store (only the SHA-256 of its value), with the request's claims.
 * Codes from the authorization endpoint always carry a PKCE challenge.
 */
export type NewAuthorizationCode = Omit<AuthorizationCodeRecord, 'consumedAt' | 'codeChallenge' | 'codeChallengeMethod' | 'claims'> & {
  codeChallenge: string;
  codeChallengeMethod: string;
  /** The normalised `claims` request parameter `{ id_token?, userinfo? }`, or null. */
  claims: object | null;
};

/** The writes of one authorization response (code, access token or both), in one transaction. */
export function authorizationResponseRepository(db: Db) {
  return {
    /**
     * Stores what an authorization response hands out. A hybrid response's code and access
     * token share a grant id, so a replayed code revokes the front-channel token too.
     */
    async store(issued: { code?: NewAuthorizationCode; accessToken?: NewAccessToken }): Promise<void> {
      const { code, accessToken } = issued;
      await db.$transaction([
        ...(code ? [db.authorizationCode.createMany({ data: [{ ...code, claims: code.claims ?? undefined }] })] : []),
        ...(accessToken
          ? [db.accessToken.createMany({ data: [{ ...accessToken, amr: accessToken.amr ?? [], claims: accessToken.claims ?? undefined }] })]
          : []),
      ]);
    },
  };
}
export type AuthorizationResponseRepository = ReturnType<typeof authorizationResponseRepository>;
