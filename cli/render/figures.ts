/** Figures as people read them: dollars with separators, shares as percentages. */

/**
 * Dollars: whole dollars from $10 up, cents below; the sign in front.
 *
 * @example
 * usd(-6537.93); // '-$6,538'
 * usd(4.5); // '$4.50'
 */
export function usd(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 10 ? 0 : 2;
  const text = abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${value < 0 && text !== '0' && text !== '0.00' ? '-' : ''}$${text}`;
}

/** Dollars with cents, for totals worth reading to the cent: `$2,506.01`. */
export function usdCents(value: number): string {
  const text = Math.abs(value).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${value < 0 ? '-' : ''}$${text}`;
}

/**
 * A share between 0 and 1 as a percentage with one decimal, without a trailing `.0`.
 *
 * @example
 * percent(0.8936); // '89.4%'
 * percent(0.95); // '95%'
 */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

/** A count with thousands separators. */
export function count(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
