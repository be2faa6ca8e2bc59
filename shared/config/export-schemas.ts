import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas, renderJsonSchema } from './json-schemas.js';

// `npm run schemas`: regenerates schemas/*.json from the zod schemas.
const dir = join(import.meta.dirname, '..', '..', 'schemas');
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, file), renderJsonSchema(schema));
  process.stdout.write(`wrote schemas/${file}\n`);
}
