import type { Db } from '../db/client.js';

/** An authentication level: its acr value and the chain of methods that achieves it. */
export interface AcrLevel {
  acr: string;
  rank: number;
  chain: string[];
  display: string;
}

export function acrLevelRepository(db: Db) {
  return {
    /** Every level, weakest first. */
    list(): Promise<AcrLevel[]> {
      return db.acrLevel.findMany({ orderBy: { rank: 'asc' } });
    },
  };
}
export type AcrLevelRepository = ReturnType<typeof acrLevelRepository>;
