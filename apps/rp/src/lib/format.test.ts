import { formatDate, formatEpochSeconds } from './format.js';

describe('formatEpochSeconds', () => {
  it('renders a NumericDate in UTC', () => {
    expect(formatEpochSeconds(0)).toBe('1970-01-01 00:00:00 UTC');
    expect(formatEpochSeconds(1_795_000_000)).toBe('2026-11-18 11:06:40 UTC');
  });

  it('falls back to the number when it is not a date', () => {
    expect(formatEpochSeconds(Number.MAX_VALUE)).toBe(String(Number.MAX_VALUE));
  });

  it('formatDate matches', () => {
    expect(formatDate(new Date(Date.UTC(2026, 10, 22, 8, 30, 0)))).toBe('2026-11-22 08:30:00 UTC');
  });
});
