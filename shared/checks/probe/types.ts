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

// What a probe observed lives apart, in zod/mini: the probe function loads it at every cold start,
// and this module (the config's schema) only when a config is validated.
export {
  type ProbeError,
  type ProbeErrorKind,
  type ProbeResult,
  type ProbeTimings,
  type ProbeTls,
  probeErrorKinds,
  probeResultSchema,
  probeTimingsSchema,
  probeTlsSchema,
} from './probe-result.js';
