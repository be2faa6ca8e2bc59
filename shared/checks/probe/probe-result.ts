import * as z from 'zod/mini';
import '../../core/zod-locale.js';

/**
 * What one probe observed, as the transport reports it and the judge, the
 * state machine and the report read it. The probe's config (`probes[]`) is
 * in types.ts.
 */

/** Why a probe could not complete. `kind` names the failed assertion in the judge. */
export const probeErrorKinds = [
  'timeout',
  'dns',
  'connection',
  'tls',
  'redirect',
  'address-blocked',
  'protocol',
  'internal',
] as const;
export type ProbeErrorKind = (typeof probeErrorKinds)[number];

export const probeTlsSchema = z.strictObject({
  /** Days until `validTo`, to two decimals; negative once expired. */
  daysLeft: z.number(),
  validTo: z.iso.datetime(),
  subject: z.string(),
  issuer: z.string(),
  authorized: z.boolean(),
  /** OpenSSL/Node code such as `DEPTH_ZERO_SELF_SIGNED_CERT` or `ERR_TLS_CERT_ALTNAME_INVALID`. */
  authorizationError: z.optional(z.string()),
});

/** Phase durations in milliseconds. Phases are those of the final hop; `totalMs` covers every hop. */
export const probeTimingsSchema = z.strictObject({
  dnsMs: z.optional(z.number()),
  connectMs: z.optional(z.number()),
  tlsMs: z.optional(z.number()),
  /** From the start of the final hop to its response headers (curl's time_starttransfer). */
  ttfbMs: z.optional(z.number()),
  totalMs: z.number(),
});

/** What one probe observed. Produced by the transport, judged by `judgeProbe`. */
export const probeResultSchema = z.strictObject({
  target: z.string(),
  /** The last URL requested (after redirects). */
  url: z.string(),
  startedAt: z.iso.datetime(),
  status: z.optional(z.number().check(z.int())),
  /** Lower-case names; repeated headers joined with ", ". */
  headers: z.record(z.string(), z.string()),
  /** UTF-8 text of at most `maxBodyBytes` bytes. */
  body: z.string(),
  bodyBytes: z.number().check(z.int(), z.gte(0)),
  bodyTruncated: z.boolean(),
  /** Every Location followed, resolved to an absolute URL, in order. */
  redirects: z.array(z.string()),
  /** Addresses the final hostname resolved to (the first one that accepted is used). */
  addresses: z.array(z.string()),
  tls: z.optional(probeTlsSchema),
  timings: probeTimingsSchema,
  error: z.optional(z.strictObject({ kind: z.enum(probeErrorKinds), code: z.string(), message: z.string() })),
});

export type ProbeTls = z.infer<typeof probeTlsSchema>;
export type ProbeTimings = z.infer<typeof probeTimingsSchema>;
export type ProbeResult = z.infer<typeof probeResultSchema>;
export type ProbeError = NonNullable<ProbeResult['error']>;
