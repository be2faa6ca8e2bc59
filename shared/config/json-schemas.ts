import * as z from 'zod';
import { envelopeSchema } from '../core/envelope.js';
import { configSchema } from './schema.js';

/** The JSON Schemas generated from the zod schemas, by file name under `schemas/`. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    'guardrails-config.schema.json': {
      $id: 'urn:finops-guardrails:schema:guardrails-config:1',
      title: 'finops-guardrails configuration (guardrails.config.yaml)',
      ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    },
    'incident-envelope.schema.json': {
      $id: 'urn:finops-guardrails:schema:incident-envelope:1',
      title: 'finops-guardrails incident envelope (CloudEvents 1.0, structured JSON)',
      ...z.toJSONSchema(envelopeSchema, { io: 'output' }),
    },
  };
}

/** The exact text written to each schema file, so the staleness test compares bytes. */
export function renderJsonSchema(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
