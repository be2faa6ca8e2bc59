const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest duration the config accepts: 10 years. */
export const MAX_DURATION_DAYS = 3650;
export const MAX_DURATION_MS = MAX_DURATION_DAYS * UNIT_MS.d;

/** Milliseconds in a config duration such as `90s`, `15m`, `24h` or `7d`. */
export function durationMs(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match?.[1] || !match[2]) throw new RangeError(`not a duration: ${value}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** False for a duration longer than {@link MAX_DURATION_MS}; true for anything else (the format is checked apart). */
export function withinDurationLimit(value: string): boolean {
  return !/^\d+[smhd]$/.test(value) || durationMs(value) <= MAX_DURATION_MS;
}
