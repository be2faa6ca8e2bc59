/**
 * Realistic daily cost series with paired demand, and labelled events.
 *
 * cost(t) = fixed(t) + unitCost(t) × demand(t) + fee on month starts
 * - demand: weekly profile (weekend dip), compound trend, log-normal noise;
 * - unit cost: constant with noise, so cost follows demand;
 * - fixed part: flat with a little noise (always-on infrastructure).
 *
 * Injected anomalies (cost moves without demand): spikes of 1-3 days, level
 * shifts, gradual unit-cost drift, a new service (zero before). Injected
 * non-anomalies (cost moves with demand): demand growth (step, ramp or
 * surge) and holidays (demand dips). Everything is seeded: series `i` is the
 * same on every run.
 */
import { type Random, seededRandom } from './random.js';

export const ANOMALY_KINDS = ['spike', 'level-shift', 'drift', 'new-service'] as const;
export const BENIGN_KINDS = ['demand-growth', 'holiday'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export type BenignKind = (typeof BENIGN_KINDS)[number];
export type EventKind = AnomalyKind | BenignKind;

/** An injected event. Days are indexes into the series; `to` bounds are exclusive. */
export interface InjectedEvent {
  readonly kind: EventKind;
  /** True for events that should page (cost moved without demand). */
  readonly anomalous: boolean;
  /** First affected day. */
  readonly start: number;
  /** One past the last day whose cost was changed by the event itself. */
  readonly end: number;
  /** Where a detection counts for this event: `[from, to)`. */
  readonly window: { readonly from: number; readonly to: number };
  /** The class a demand-aware classifier should give it. */
  readonly expectedClass: 'waste' | 'demand-growth' | 'saving';
  /** Extra detail, e.g. the shape of a growth event. */
  readonly detail: string;
}

export interface LabelledSeries {
  readonly timestamps: readonly string[];
  readonly cost: Float64Array;
  readonly demand: Float64Array;
  /** Typical daily cost before any event (USD). */
  readonly level: number;
  readonly event: InjectedEvent | null;
}

export interface SeriesShape {
  readonly days: number;
  /** First day of the series (UTC, YYYY-MM-DD). */
  readonly startDate: string;
  /** Events start no earlier than this day, so the baseline is warm. */
  readonly earliestEvent: number;
  /** Events start no later than this day, so their window fits. */
  readonly latestEvent: number;
}

/** Weights of the event kinds (and of no event); they need not sum to 1. */
export const EVENT_WEIGHTS: Readonly<Record<EventKind | 'none', number>> = {
  none: 0.2,
  spike: 0.15,
  'level-shift': 0.12,
  drift: 0.12,
  'new-service': 0.08,
  'demand-growth': 0.2,
  holiday: 0.13,
};

const DAY_MS = 86_400_000;

/** `days` consecutive UTC dates from `startDate`, as YYYY-MM-DD. */
export function dailyTimestamps(startDate: string, days: number): string[] {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

function pickKind(rng: Random, weights: Readonly<Record<EventKind | 'none', number>>): EventKind | 'none' {
  const entries = Object.entries(weights) as Array<[EventKind | 'none', number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.next() * total;
  for (const [kind, weight] of entries) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return 'none';
}

/** Multipliers on demand, unit cost and cost, and an additive cost, per day, that an event applies. */
interface Effects {
  demand: Float64Array;
  unit: Float64Array;
  extra: Float64Array;
  zeroBefore: number;
}

function planEvent(
  kind: EventKind,
  rng: Random,
  shape: SeriesShape,
  level: number,
  fx: Effects,
): InjectedEvent {
  const s = rng.int(shape.earliestEvent, shape.latestEvent);
  const days = shape.days;
  const event = (
    end: number,
    to: number,
    expectedClass: InjectedEvent['expectedClass'],
    detail: string,
  ): InjectedEvent => ({
    kind,
    anomalous: (ANOMALY_KINDS as readonly string[]).includes(kind),
    start: s,
    end: Math.min(end, days),
    window: { from: s, to: Math.min(to, days) },
    expectedClass,
    detail,
  });
  switch (kind) {
    case 'spike': {
      const len = rng.int(1, 3);
      const extra = level * rng.uniform(0.5, 3);
      for (let t = s; t < Math.min(days, s + len); t++) fx.extra[t] = (fx.extra[t] ?? 0) + extra;
      return event(s + len, s + len, 'waste', `${len} day(s), +${Math.round((100 * extra) / level)}%`);
    }
    case 'level-shift': {
      const extra = level * rng.uniform(0.3, 1);
      for (let t = s; t < days; t++) fx.extra[t] = (fx.extra[t] ?? 0) + extra;
      return event(days, s + 14, 'waste', `+${Math.round((100 * extra) / level)}%`);
    }
    case 'drift': {
      const len = rng.int(14, 28);
      const m = rng.uniform(0.5, 1.5);
      for (let t = s; t < days; t++)
        fx.unit[t] = (fx.unit[t] ?? 1) * (1 + m * Math.min(1, (t - s + 1) / len));
      return event(days, s + len + 7, 'waste', `unit cost +${Math.round(m * 100)}% over ${len} days`);
    }
    case 'new-service':
      fx.zeroBefore = s;
      return event(days, s + 7, 'waste', 'zero before');
    case 'demand-growth': {
      const shapeKind = rng.pick(['step', 'ramp', 'surge'] as const);
      if (shapeKind === 'surge') {
        const len = rng.int(2, 5);
        const m = rng.uniform(0.5, 2);
        for (let t = s; t < Math.min(days, s + len); t++) fx.demand[t] = (fx.demand[t] ?? 1) * (1 + m);
        return event(
          s + len,
          s + len + 2,
          'demand-growth',
          `surge ${len} days, demand +${Math.round(m * 100)}%`,
        );
      }
      const ramp = shapeKind === 'step' ? 1 : rng.int(5, 14);
      const m = rng.uniform(0.4, 1.5);
      for (let t = s; t < days; t++)
        fx.demand[t] = (fx.demand[t] ?? 1) * (1 + m * Math.min(1, (t - s + 1) / ramp));
      return event(
        days,
        s + ramp + 14,
        'demand-growth',
        `${shapeKind} ${ramp} days, demand +${Math.round(m * 100)}%`,
      );
    }
    case 'holiday': {
      const len = rng.int(1, 4);
      const m = rng.uniform(0.3, 0.7);
      for (let t = s; t < Math.min(days, s + len); t++) fx.demand[t] = (fx.demand[t] ?? 1) * (1 - m);
      return event(s + len, s + len + 2, 'saving', `${len} day(s), demand -${Math.round(m * 100)}%`);
    }
  }
}

/**
 * Series number `index` of a labelled set.
 *
 * @example
 * const series = labelledSeries(7, { days: 182, startDate: '2026-01-01', earliestEvent: 63, latestEvent: 160 });
 * series.event?.kind; // e.g. 'spike'
 */
export function labelledSeries(
  index: number,
  shape: SeriesShape,
  options: {
    readonly weights?: Readonly<Record<EventKind | 'none', number>>;
    readonly timestamps?: readonly string[];
  } = {},
): LabelledSeries {
  const rng = seededRandom(0x5eed + index * 7919);
  const days = shape.days;
  const level = rng.logUniform(150, 20_000);
  const fixedShare = rng.uniform(0.1, 0.5);
  const weekend = rng.uniform(0.5, 0.95);
  const growth = rng.uniform(-0.001, 0.003);
  const demandNoise = rng.uniform(0.02, 0.06);
  const unitNoise = rng.uniform(0.01, 0.03);
  const fee = rng.chance(0.5) ? level * rng.uniform(0.2, 1.5) : 0;
  const baseDemand = rng.logUniform(1e4, 1e7);
  // Average weekly profile is (5 + 2 × weekend) / 7, so the mean daily cost starts near `level`.
  const weekMean = (5 + 2 * weekend) / 7;
  const unitCost = ((1 - fixedShare) * level) / (baseDemand * weekMean);
  const timestamps = options.timestamps ?? dailyTimestamps(shape.startDate, days);
  const firstDow = new Date(`${shape.startDate}T00:00:00Z`).getUTCDay();

  const fx: Effects = {
    demand: new Float64Array(days).fill(1),
    unit: new Float64Array(days).fill(1),
    extra: new Float64Array(days),
    zeroBefore: 0,
  };
  const kind = pickKind(rng, options.weights ?? EVENT_WEIGHTS);
  const event = kind === 'none' ? null : planEvent(kind, rng, shape, level, fx);

  const cost = new Float64Array(days);
  const demand = new Float64Array(days);
  for (let t = 0; t < days; t++) {
    const dow = (firstDow + t) % 7;
    const profile = dow === 0 || dow === 6 ? weekend : 1;
    const d =
      baseDemand * profile * (1 + growth) ** t * Math.exp(demandNoise * rng.normal()) * (fx.demand[t] ?? 1);
    const unit = unitCost * Math.exp(unitNoise * rng.normal()) * (fx.unit[t] ?? 1);
    const fixed = fixedShare * level * Math.exp(0.02 * rng.normal());
    const monthFee = timestamps[t]?.endsWith('-01') ? fee : 0;
    demand[t] = d;
    cost[t] = t < fx.zeroBefore ? 0 : fixed + unit * d + monthFee + (fx.extra[t] ?? 0);
  }
  return { timestamps, cost, demand, level, event };
}
