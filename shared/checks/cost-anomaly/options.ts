import * as z from 'zod/mini';
import { InputError } from '../../core/errors.js';
import '../../core/zod-locale.js';

/**
 * Options of the anomaly detector. Every field has a default, so `{}` is valid.
 * Counts (`period`, `minHistory`, `window`) are in points of the series'
 * regular grid, not in rows; left out, they follow from the interval the
 * detector infers (see `inferPeriod`).
 */
export const DetectorOptionsSchema = z.strictObject({
  /** Points per season. Default: 7 for daily data (day of week), one day of points for finer grids (24 hourly, 288 at 5 minutes), else 1. */
  period: z.optional(z.int().check(z.gte(1), z.lte(10_000))),
  /** Points of calendar time (slots of the grid, gaps included) before any point may be flagged; at least half of them must be observed. Default: the larger of 28 and one period on daily and finer grids; on coarser ones 28 days' worth, at least 8 (8 weeks, 8 months); 14 observed points for spend on a series that was all zeros (`new`). */
  minHistory: z.optional(z.int().check(z.gte(1))),
  /** Points of history the seasonal profile uses (whole seasons of it). Default: 56 on daily grids, 8 seasons on finer ones. */
  window: z.optional(z.int().check(z.gte(2), z.lte(100_000))),
  /**
   * Calibrated deviation beyond which a point can be anomalous: a point is flagged when it is as rare,
   * for this series, as a `zThreshold`-sigma deviation of a normal law (4: about 3 in 100,000 per side).
   */
  zThreshold: z._default(z.number().check(z.positive()), 4),
  /** Smallest |value - expected| worth flagging, in the series' unit (USD for costs). */
  minImpact: z._default(z.number().check(z.gte(0)), 0),
  /** Smallest |value - expected| / expected worth flagging (when not given, 0.05 on grids finer than an hour: metrics). */
  relativeThreshold: z._default(z.number().check(z.gte(0)), 0.2),
  /** Learn a separate profile for the first point of each month, where recurring fees land. */
  monthStart: z._default(z.boolean(), true),
  /** Share of the fitted trend carried to the next point (1 = full trend, 0 = no trend). */
  trendDamping: z._default(z.number().check(z.gte(0), z.lte(1)), 0.9),
  /** Smallest robust sigma, as a share of the level, so a flat series has no anomalies. */
  scaleFloor: z._default(z.number().check(z.gte(0), z.lte(1)), 0.01),
  /**
   * Points sharing a timestamp (or a slot of the grid): `sum` (parts of one cost), `mean`, `last`, or
   * `auto`: identical repeats count once, differing values are summed or averaged, whichever matches
   * the neighbouring points.
   */
  duplicates: z._default(z.enum(['auto', 'sum', 'mean', 'last']), 'auto'),
});

/** Resolved detector options (defaults filled in; `period`, `minHistory`, `window` stay optional: they depend on the series). */
export type DetectorOptions = z.infer<typeof DetectorOptionsSchema>;

/** The defaults, resolved once. */
export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = Object.freeze(DetectorOptionsSchema.parse({}));

const resolved = new WeakMap<object, DetectorOptions>();

/**
 * Validates partial options and fills in the defaults. The options object must not be changed after
 * a call (the result is cached per object).
 *
 * @throws InputError naming the offending option, e.g. `options.period`.
 * @example
 * resolveDetectorOptions({ minImpact: 50 }).zThreshold; // 4
 */
export function resolveDetectorOptions(options: Partial<DetectorOptions> = {}): DetectorOptions {
  // A run scores thousands of series with one options object: validate it once.
  const known = resolved.get(options);
  if (known !== undefined) return known;
  const parsed = DetectorOptionsSchema.safeParse(options);
  if (parsed.success) {
    resolved.set(options, parsed.data);
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? `options.${issue.path.join('.')}` : 'options';
  throw new InputError(path, issue?.message ?? 'invalid detector options', { cause: parsed.error });
}
