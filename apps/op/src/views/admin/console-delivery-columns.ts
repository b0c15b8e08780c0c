/** A delivery as the console shows it (the admin API's wire spelling). */
export type DeliveryView = Record<string, unknown> & { id: string; status: string };

/**
 * Delivery states the live delivery page stops polling at. `accepted` (an `*_async` command) is
 * not among them: its result may still arrive through the callback (`completed`).
 */
export const FINAL_DELIVERY_STATUSES: readonly string[] = ['succeeded', 'completed', 'converged', 'failed'];

/** The longest RP answer shown in a table cell; the delivery page shows it whole. */
export const ANSWER_PREVIEW_CHARS = 240;

/** A cell's text: strings as they are, other JSON values serialised, nothing for null. */
export function cellText(value: unknown, max = Number.POSITIVE_INFINITY): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
