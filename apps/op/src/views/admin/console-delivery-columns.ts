/** A delivery as the console shows it (the admin API's wire spelling). */
export type DeliveryView = Record<string, unknown> & { id: string; status: string };

/** Final delivery states: the live views stop polling once a delivery reaches one. */
export const FINAL_DELIVERY_STATUSES: readonly string[] = ['succeeded', 'accepted', 'converged', 'failed'];

/** The longest RP answer shown in a table cell; the delivery page shows it whole. */
export const ANSWER_PREVIEW_CHARS = 240;

/** A cell's text: strings as they are, other JSON values serialised, nothing for null. */
export function cellText(value: unknown, max = Number.POSITIVE_INFINITY): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
