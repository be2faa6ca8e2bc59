import * as z from 'zod';
import { BODY_PATTERN_OPTIONS, loadedPatternProblem } from '../../config/pattern-compiler.js';
import { parseJsonPath } from './json-path.js';
import { parseStatusRange } from './status-pattern.js';

/** Defaults in one place, so the schema, the docs and the tests agree. */
export const probeDefaults = {
  method: 'GET',
  timeoutMs: 5_000,
  maxBodyBytes: 1_048_576,
  maxRedirects: 5,
  status: ['200-399'],
  certDaysLeft: 14,
  failureThreshold: 2,
  successThreshold: 2,
} as const;

const statusPatternSchema = z.union([
  z.number().int().min(100).max(599),
  z.string().refine((value) => parseStatusRange(value) !== undefined, {
    message: 'Expected a range such as "200-299" (low <= high, 100-599)',
  }),
]);

const jsonPathSchema = z.string().refine(
  (path) => {
    try {
      parseJsonPath(path);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'Expected a JSON path such as "$.status" or "$.items[0][\'name\']"' },
);

/** Compiled exactly as the judge compiles it (RE2, linear time), so what validates runs; config validation loads the engine. */
const bodyPatternSchema = z.string().superRefine((pattern, ctx) => {
  const problem = loadedPatternProblem(pattern, BODY_PATTERN_OPTIONS);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * One JSON assertion. `equals` compares structurally; `exists: false` asserts
 * the path is absent. With neither, the path must exist.
 */
export const jsonAssertionSchema = z
  .object({ path: jsonPathSchema, equals: z.unknown().optional(), exists: z.boolean().optional() })
  .strict();

export const probeExpectSchema = z
  .object({
    status: z
      .array(statusPatternSchema)
      .min(1)
      .default([...probeDefaults.status]),
    /** Objective on the total time of the probe, redirects included. */
    latencyMs: z.number().positive().max(120_000).optional(),
    bodyContains: z.string().min(1).optional(),
    bodyNotContains: z.string().min(1).optional(),
    bodyMatches: bodyPatternSchema
      .optional()
      .describe('A regular expression (RE2 syntax, matched in linear time) found anywhere in the body.'),
    json: z.array(jsonAssertionSchema).optional(),
    /** Header name (any case) to exact value. */
    headers: z.record(z.string().min(1), z.string()).optional(),
    /** Minimum days before the served certificate expires. Judged only when the probe spoke TLS. */
    certDaysLeft: z.number().min(0).max(3650).default(probeDefaults.certDaysLeft),
  })
  .strict();

/**
 * A request header whose value lives in Secrets Manager: the secret's string,
 * or one key of it when the secret is a JSON object. Resolved at run time,
 * once per invocation; the value never enters the config, the bundle or a log.
 */
export const secretRefSchema = z
  .object({
    secretArn: z
      .string()
      .regex(
        /^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+$/,
        'must be a Secrets Manager secret ARN',
      ),
    jsonKey: z.string().min(1).optional().describe('The key to read when the secret is a JSON object.'),
  })
  .strict();

export type SecretRef = z.infer<typeof secretRefSchema>;

/**
 * A probe target as written in `guardrails.config.yaml` (`probes[]`).
 * @example probeTargetSchema.parse({ name: 'api', url: 'https://api.example.com/health' })
 */
export const probeTargetSchema = z
  .object({
    name: z.string().min(1),
    url: z.url({ protocol: /^https?$/ }),
    method: z.enum(['GET', 'POST', 'HEAD']).default(probeDefaults.method),
    headers: z
      .record(z.string().min(1), z.union([z.string(), secretRefSchema]))
      .default({})
      .describe(
        'Request headers; a value may be `{secretArn, jsonKey?}` to read it from Secrets Manager at run time.',
      ),
    body: z.string().optional(),
    /** Hard limit on the whole probe: DNS, connect, TLS, headers, body and every redirect. */
    timeoutMs: z.number().int().min(1).max(120_000).default(probeDefaults.timeoutMs),
    maxBodyBytes: z
      .number()
      .int()
      .min(0)
      .max(16 * 1_048_576)
      .default(probeDefaults.maxBodyBytes),
    /** Redirects to follow; one more is refused. 0 follows none: the 3xx response itself is judged. */
    maxRedirects: z.number().int().min(0).max(20).default(probeDefaults.maxRedirects),
    /** Allows loopback, RFC 1918, CGNAT and ULA targets. Link-local and metadata addresses stay refused. */
    allowPrivateAddresses: z.boolean().default(false),
    expect: probeExpectSchema.prefault({}),
    failureThreshold: z.number().int().min(1).max(10_000).default(probeDefaults.failureThreshold),
    successThreshold: z.number().int().min(1).max(10_000).default(probeDefaults.successThreshold),
    intervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .describe('Seconds between rounds within the one-minute invocation; at most 60.'),
    regions: z.array(z.string().min(1)).min(1).optional(),
    quorum: z.number().int().min(1).max(100).optional(),
    /** Who the page is for in the incident queue (the probe's own paging path pages on-call regardless). */
    owner: z
      .object({ team: z.string().min(1), contact: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Severity of the page; a probe pages on-call, so critical unless said otherwise. */
    severity: z.enum(['info', 'warning', 'error', 'critical']).default('critical'),
  })
  .strict()
  .refine((target) => target.body === undefined || target.method === 'POST', {
    message: 'body requires method POST',
    path: ['body'],
  })
  .refine((target) => target.quorum === undefined || target.quorum <= (target.regions?.length ?? 1), {
    message: 'quorum cannot exceed the number of regions',
    path: ['quorum'],
  });

export type ProbeTarget = z.infer<typeof probeTargetSchema>;
export type ProbeTargetInput = z.input<typeof probeTargetSchema>;
export type ProbeExpect = z.infer<typeof probeExpectSchema>;
export type JsonAssertion = z.infer<typeof jsonAssertionSchema>;

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

export const probeTlsSchema = z
  .object({
    /** Days until `validTo`, to two decimals; negative once expired. */
    daysLeft: z.number(),
    validTo: z.iso.datetime(),
    subject: z.string(),
    issuer: z.string(),
    authorized: z.boolean(),
    /** OpenSSL/Node code such as `DEPTH_ZERO_SELF_SIGNED_CERT` or `ERR_TLS_CERT_ALTNAME_INVALID`. */
    authorizationError: z.string().optional(),
  })
  .strict();

/** Phase durations in milliseconds. Phases are those of the final hop; `totalMs` covers every hop. */
export const probeTimingsSchema = z
  .object({
    dnsMs: z.number().optional(),
    connectMs: z.number().optional(),
    tlsMs: z.number().optional(),
    /** From the start of the final hop to its response headers (curl's time_starttransfer). */
    ttfbMs: z.number().optional(),
    totalMs: z.number(),
  })
  .strict();

/** What one probe observed. Produced by the transport, judged by `judgeProbe`. */
export const probeResultSchema = z
  .object({
    target: z.string(),
    /** The last URL requested (after redirects). */
    url: z.string(),
    startedAt: z.iso.datetime(),
    status: z.number().int().optional(),
    /** Lower-case names; repeated headers joined with ", ". */
    headers: z.record(z.string(), z.string()),
    /** UTF-8 text of at most `maxBodyBytes` bytes. */
    body: z.string(),
    bodyBytes: z.number().int().min(0),
    bodyTruncated: z.boolean(),
    /** Every Location followed, resolved to an absolute URL, in order. */
    redirects: z.array(z.string()),
    /** Addresses the final hostname resolved to (the first one that accepted is used). */
    addresses: z.array(z.string()),
    tls: probeTlsSchema.optional(),
    timings: probeTimingsSchema,
    error: z
      .object({ kind: z.enum(probeErrorKinds), code: z.string(), message: z.string() })
      .strict()
      .optional(),
  })
  .strict();

export type ProbeTls = z.infer<typeof probeTlsSchema>;
export type ProbeTimings = z.infer<typeof probeTimingsSchema>;
export type ProbeResult = z.infer<typeof probeResultSchema>;
export type ProbeError = NonNullable<ProbeResult['error']>;
