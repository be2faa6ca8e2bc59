import { createReadStream } from 'node:fs';
import { type CsvError, parse } from 'csv-parse';
import { InputError } from '../../core/errors.js';

/** Where a CSV comes from: a file on disk, or text already in memory with a display name. */
export type CsvSource = { path: string; name?: string } | { text: string; name: string };

/** One CSV record with the 1-based line it starts on, or a record that could not be read. */
export type CsvItem = { line: number; fields: string[] } | { line: number; error: InputError };

// What csv-parse yields with `info: true`.
interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** The name used in error locations: `name` if given, else the path. */
export function csvSourceName(source: CsvSource): string {
  return source.name ?? ('path' in source ? source.path : '<text>');
}

/**
 * Streams the records of a CSV, one at a time, so that a file of a million
 * rows never sits in memory as one string or one array.
 *
 * A UTF-8 BOM is dropped and blank lines are skipped. A malformed record (a
 * stray quote) is yielded as an error and the rest of the file is still read.
 * A file that cannot be opened throws an {@link InputError}.
 */
export async function* readCsvRecords(source: CsvSource): AsyncGenerator<CsvItem> {
  const name = csvSourceName(source);
  const skipped: CsvItem[] = [];
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      if (error === undefined) return;
      const line = typeof error.lines === 'number' ? error.lines : 0;
      skipped.push({ line, error: new InputError(`${name}:${line}`, error.message, { cause: error }) });
    },
  });
  if ('path' in source) {
    const stream = createReadStream(source.path);
    stream.on('error', (cause) =>
      parser.destroy(new InputError(name, `cannot read file: ${cause.message}`, { cause })),
    );
    stream.pipe(parser);
  } else {
    parser.end(source.text);
  }
  for await (const item of parser as AsyncIterable<ParsedRecord>) {
    const line = item.info.lines - embeddedNewlines(item.record);
    // csv-parse reports skipped records ahead of the records it buffered: keep file order.
    while (skipped.length > 0 && (skipped[0]?.line ?? 0) < line) yield* skipped.splice(0, 1);
    yield { line, fields: item.record };
  }
  yield* skipped.splice(0);
}

// info.lines is where a record ends; a quoted field with newlines started earlier.
function embeddedNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) count++;
  }
  return count;
}
