/**
 * An RP's view of the OP's authentication levels: acr values from weakest to strongest. The RP
 * decides which acr values it trusts and how they rank; an acr it does not know ranks below
 * everything (OIDC Core §3.1.3.7: the RP must check the returned acr itself).
 *
 * @example
 * const ranking = acrRanking(['urn:oidc-ref:acr:pwd', 'urn:oidc-ref:acr:mfa']);
 * ranking.satisfies('urn:oidc-ref:acr:mfa', 'urn:oidc-ref:acr:pwd'); // true
 */
export interface AcrRanking {
  /** 0-based rank, or -1 for an acr this RP does not know. */
  rank(acr: string | undefined): number;
  /** Whether `achieved` is at least as strong as `required`. */
  satisfies(achieved: string | undefined, required: string): boolean;
  /** `required` and every stronger acr, strongest last: what to send as `acr_values`. */
  atLeast(required: string): string[];
}

export function acrRanking(weakestFirst: readonly string[]): AcrRanking {
  if (weakestFirst.length === 0) throw new TypeError('an acr ranking needs at least one value');
  if (new Set(weakestFirst).size !== weakestFirst.length) throw new TypeError('acr values must be unique');
  const order = [...weakestFirst];
  const rank = (acr: string | undefined) => (acr === undefined ? -1 : order.indexOf(acr));
  return {
    rank,
    satisfies(achieved, required) {
      const needed = rank(required);
      if (needed === -1) throw new TypeError(`unknown required acr: ${required}`);
      return rank(achieved) >= needed;
    },
    atLeast(required) {
      const needed = rank(required);
      if (needed === -1) throw new TypeError(`unknown required acr: ${required}`);
      return order.slice(needed);
    },
  };
}
