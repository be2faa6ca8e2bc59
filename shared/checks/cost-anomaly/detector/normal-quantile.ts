/**
 * The standard normal quantile, taken from the logarithm of an upper-tail
 * probability so that probabilities far below 1e-300 still give a finite,
 * ordered z. Acklam's rational approximation (relative error about 1e-9).
 */

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
const LN_P_LOW = Math.log(P_LOW);

const at = (coefficients: readonly number[], i: number) => coefficients[i] as number;

/** Lower-tail quantile for the tail region, from q = sqrt(-2 ln p). */
function tailQuantile(q: number): number {
  return (
    (((((at(C, 0) * q + at(C, 1)) * q + at(C, 2)) * q + at(C, 3)) * q + at(C, 4)) * q + at(C, 5)) /
    ((((at(D, 0) * q + at(D, 1)) * q + at(D, 2)) * q + at(D, 3)) * q + 1)
  );
}

/**
 * z such that P(Z > z) = exp(lnP) for a standard normal Z. `lnP` must be
 * <= 0; ln 0.5 and above give 0 (no evidence of a departure).
 *
 * @example upperTailZ(Math.log(0.001)); // 3.090…
 */
export function upperTailZ(lnP: number): number {
  if (lnP >= Math.log(0.5)) return 0;
  if (lnP <= LN_P_LOW) return -tailQuantile(Math.sqrt(-2 * lnP));
  // Central region: the lower-tail quantile of 1 - p is minus that of p.
  const q = Math.exp(lnP) - 0.5;
  const r = q * q;
  const numerator =
    (((((at(A, 0) * r + at(A, 1)) * r + at(A, 2)) * r + at(A, 3)) * r + at(A, 4)) * r + at(A, 5)) * q;
  const denominator = ((((at(B, 0) * r + at(B, 1)) * r + at(B, 2)) * r + at(B, 3)) * r + at(B, 4)) * r + 1;
  return -numerator / denominator;
}
