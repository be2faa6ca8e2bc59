/**
 * Which days of a cost series are judged, and the anomaly (episode) they
 * show. Pure.
 *
 * The detector scores every day of the lookback window, but only the last
 * {@link JUDGED_DAYS} complete days (neither `estimated` nor `missing`)
 * decide whether an anomaly is active: the latest complete day is judged,
 * never a day whose data is not final. An anomaly is the run of consecutive
 * anomalous days, in one direction, that ends on one of them; so a spike
 * that lasts a week is one incident, and it resolves the first run after
 * two complete days back inside the band. Two, not one: a single day that
 * slips just under the thresholds mid-incident must not resolve and
 * re-trigger it. A cost drop that ended earlier stays under judgement for
 * `unsafeSavingWindowDays` more days, because the SLO breach it causes may
 * follow it; it is reported only if one does (an unsafe saving).
 */
import type { GuardrailsConfig } from '../../config/schema.js';
import type { CostSeries, DailyCost } from '../../core/sources.js';
import { type AnomalyReason, type DetectedPoint, type DetectorOptions, detectAnomalies } from './detector.js';

/** Complete days at the end of the series that decide whether an anomaly is active. */
export const JUDGED_DAYS = 2;
/** Days before an anomaly that unit cost and drivers compare it with. */
export const BASELINE_DAYS = 28;
/** Days before an anomaly that its drivers are compared with: recent enough that resources match. */
export const DRIVER_BASELINE_DAYS = 14;

/** One anomaly: the run of anomalous days, in one direction, ending on a judged day. */
export interface Episode {
  readonly direction: 'up' | 'down';
  readonly reason: AnomalyReason;
  /** The anomalous days, oldest first. */
  readonly points: readonly DetectedPoint[];
  readonly start: string;
  readonly end: string;
  /** Up to BASELINE_DAYS complete days before `start`. */
  readonly baselineDays: readonly string[];
  /** Ended before the judged days: kept only as a possible unsafe saving. */
  readonly lingering: boolean;
}

/** True for a day the source vouches for: judged, and part of any baseline. */
export function isCompleteDay(day: DailyCost): boolean {
  return !day.estimated && day.missing !== true;
}

/** The baseline days of an episode's drivers: the last DRIVER_BASELINE_DAYS of its baseline. */
export function driverBaselineDays(episode: Pick<Episode, 'baselineDays'>): readonly string[] {
  return episode.baselineDays.slice(-DRIVER_BASELINE_DAYS);
}

/** The detector options the config sets: dollars per day, relative and z thresholds. */
export function detectorOptionsOf(anomaly: GuardrailsConfig['anomaly']): Partial<DetectorOptions> {
  return {
    minImpact: anomaly.minImpactUsd,
    relativeThreshold: anomaly.relativeThreshold,
    zThreshold: anomaly.zThreshold,
  };
}

/**
 * The active anomaly of one daily series, or `null`. Days that are not
 * complete are gaps to the detector, so they neither set the baseline nor
 * are judged.
 */
export function findEpisode(
  series: CostSeries,
  options: Partial<DetectorOptions>,
  followDays: number,
): Episode | null {
  const complete: number[] = [];
  series.days.forEach((d, i) => {
    if (isCompleteDay(d)) complete.push(i);
  });
  if (complete.length === 0) return null;
  const detected = detectAnomalies(
    series.days.map((d) => ({ timestamp: d.day, value: isCompleteDay(d) ? d.usd : null })),
    options,
  );
  // Position, among complete days, of the last anomalous one.
  let last = complete.length - 1;
  while (last >= 0 && !detected[complete[last] as number]?.anomaly) last--;
  const fromEnd = complete.length - 1 - last;
  if (last < 0 || fromEnd >= JUDGED_DAYS + followDays) return null;
  const lastPoint = detected[complete[last] as number] as DetectedPoint;
  const lingering = fromEnd >= JUDGED_DAYS;
  if (lingering && lastPoint.direction !== 'down') return null;
  let first = last;
  while (first > 0) {
    const previous = detected[complete[first - 1] as number];
    if (!previous?.anomaly || previous.direction !== lastPoint.direction) break;
    first--;
  }
  const points = complete.slice(first, last + 1).map((i) => detected[i] as DetectedPoint);
  const baselineDays = complete
    .slice(Math.max(0, first - BASELINE_DAYS), first)
    .map((i) => (series.days[i] as { day: string }).day);
  const firstPoint = points[0] as DetectedPoint;
  return {
    direction: lastPoint.direction ?? 'up',
    reason: firstPoint.reason ?? 'deviation',
    points,
    start: firstPoint.timestamp,
    end: lastPoint.timestamp,
    baselineDays,
    lingering,
  };
}
