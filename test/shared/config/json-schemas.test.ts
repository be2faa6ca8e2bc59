import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas, renderJsonSchema } from '../../../shared/config/json-schemas.js';

describe('generated JSON Schemas', () => {
  for (const [file, schema] of Object.entries(jsonSchemas())) {
    it(`schemas/${file} is current (run npm run schemas after changing a zod schema)`, () => {
      const checkedIn = readFileSync(join(import.meta.dirname, '..', '..', '..', 'schemas', file), 'utf8');
      expect(checkedIn).toBe(renderJsonSchema(schema));
    });
  }
});
