import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';

const SCHEMAS = join(import.meta.dirname, '..', 'fixtures', 'report-schemas');

/** Validates a SARIF log against the OASIS SARIF 2.1.0 JSON Schema (draft-07); returns the errors. */
export function sarifErrors(log: unknown): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')));
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Validates JUnit XML against the Jenkins xUnit plugin's junit-10.xsd with libxml2; returns the error, if any. */
export function junitError(xml: string): string | undefined {
  const xsd = XmlDocument.fromString(readFileSync(join(SCHEMAS, 'junit-10.xsd'), 'utf8'));
  const validator = XsdValidator.fromDoc(xsd);
  const doc = XmlDocument.fromString(xml);
  try {
    validator.validate(doc);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    doc.dispose();
    validator.dispose();
    xsd.dispose();
  }
}
