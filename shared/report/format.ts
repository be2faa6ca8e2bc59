/** Display forms shared by every report format. */

/** `93.2%`, or an em dash where there is nothing to measure. */
export function pct(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** `$1,234` (whole dollars), `-$56` for a saving, an em dash when unknown. */
export function usd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  const whole = Math.round(Math.abs(amount)).toLocaleString('en-US');
  return `${amount < 0 ? '-' : ''}$${whole}`;
}

/** `2026-11-20` from an ISO time. */
export function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** `2026-11-20 06:00Z`. */
export function minute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** Milliseconds with no false precision: `12 ms`, `1.2 ms`. */
export function millis(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 10 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** A unit cost: four significant digits, small values in scientific-free notation. */
export function unitCost(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `$${Number(value.toPrecision(3)).toString()}`;
}
