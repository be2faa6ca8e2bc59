import { z } from 'zod';
import { InputError } from '../../shared/core/errors.js';

/**
 * Options of the anomaly detector. Every field has a default, so `{}` is valid.
 * Counts (`period`, `minHistory`, `window`) are in points, not days, so the
 * same detector serves daily and hourly series.
 */
export const DetectorOptionsSchema = z.strictObject({
  /** Points per season: 7 for daily data (day of week), 24 for hourly, 1 for none. See `inferPeriod`. */
  period: z.int().min(1).max(10_000).default(7),
  /** Observed points needed before any point may be flagged. */
  minHistory: z.int().min(1).default(14),
  /** Points of history the baseline looks at (the seasonal profile uses whole seasons of it). */
  window: z.int().min(2).max(100_000).default(56),
  /** Deviation, in robust standard deviations, beyond which a point can be anomalous. */
  zThreshold: z.number().positive().default(4),
  /** Smallest |value - expected| worth flagging, in the series' unit (USD for costs). */
  minImpact: z.number().min(0).default(0),
  /** Smallest |value - expected| / expected worth flagging. */
  relativeThreshold: z.number().min(0).default(0.2),
  /** Learn a separate profile for the first point of each month, where recurring fees land. */
  monthStart: z.boolean().default(true),
  /** Share of the fitted slope that is extrapolated (1 = full trend, 0 = no trend). */
  trendDamping: z.number().min(0).max(1).default(0.9),
  /** Smallest robust sigma, as a share of the level, so a flat series has no anomalies. */
  scaleFloor: z.number().min(0).max(1).default(0.01),
});

/** Fully resolved detector options (every field present). */
export type DetectorOptions = z.infer<typeof DetectorOptionsSchema>;

/** The defaults, resolved once. */
export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = Object.freeze(DetectorOptionsSchema.parse({}));

/**
 * Validates partial options and fills in the defaults.
 *
 * @throws InputError naming the offending option, e.g. `options.period`.
 * @example
 * resolveDetectorOptions({ minImpact: 50 }).zThreshold; // 4
 */
export function resolveDetectorOptions(options: Partial<DetectorOptions> = {}): DetectorOptions {
  const parsed = DetectorOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? `options.${issue.path.join('.')}` : 'options';
  throw new InputError(path, issue?.message ?? 'invalid detector options', { cause: parsed.error });
}
