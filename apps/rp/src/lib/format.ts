/**
 * A NumericDate (seconds since the epoch) as `2026-11-22 08:30:00 UTC`.
 *
 * @example
 * formatEpochSeconds(0); // '1970-01-01 00:00:00 UTC'
 */
export function formatEpochSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return String(seconds);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A Date as `2026-11-22 08:30:00 UTC`. */
export function formatDate(date: Date): string {
  return formatEpochSeconds(date.getTime() / 1000);
}
