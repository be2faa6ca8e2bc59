import { readFileSync } from 'node:fs';
import { formatPath } from '../../config/loader.js';
import { type Envelope, envelopeSchema } from '../../core/envelope.js';
import { InputError } from '../../core/errors.js';

/**
 * The events of a JSONL file (one CloudEvents envelope per line, as `run
 * --out` appends them); blank lines are skipped. A line that is not JSON or
 * not an envelope is an InputError naming the file, the line and the field.
 */
export function readEventsJsonl(path: string): Envelope[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read the events file: ${(error as Error).message}`, { cause: error });
  }
  const events: Envelope[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new InputError(where, `not JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = envelopeSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        where,
        `not an incident envelope: ${issue ? `${formatPath(issue.path)}: ${issue.message}` : 'invalid'}`,
      );
    }
    events.push(parsed.data);
  });
  return events;
}
