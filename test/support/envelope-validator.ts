import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** Validates events against the checked-in JSON Schema, as a queue consumer would. */
export function envelopeValidator() {
  const schema = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'incident-envelope.schema.json'), 'utf8'),
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (event: unknown): string[] =>
    validate(event) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
