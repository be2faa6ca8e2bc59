import { describe, expect, it } from 'vitest';
import { type CsvItem, readCsvRecords } from '../../../../shared/adapters/file/csv-reader.js';

async function collect(text: string): Promise<CsvItem[]> {
  const items: CsvItem[] = [];
  for await (const item of readCsvRecords({ text, name: 'in.csv' })) items.push(item);
  return items;
}

describe('readCsvRecords', () => {
  it('numbers records by the line they start on, across blank lines and quoted newlines', async () => {
    const items = await collect('a,b\n1,2\n\n"x\ny",3\n4,5\n');

    expect(items).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['x\ny', '3'] },
      { line: 6, fields: ['4', '5'] },
    ]);
  });

  it('handles CRLF line ends and a BOM', async () => {
    const items = await collect('\ufeffa,b\r\n1,2\r\n');

    expect(items).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('reports a malformed record in file order, with its line, and goes on', async () => {
    const items = await collect('a,b\nx"y,1\n3,4\n');

    expect(items.map((item) => ('error' in item ? item.error.message : item.line))).toEqual([
      1,
      'in.csv:2: Invalid Opening Quote: a quote is found on field 0 at line 2, value is "x"',
      3,
    ]);
  });

  it('reports an unclosed quote instead of losing the rest of the file silently', async () => {
    const items = await collect('a,b\n"unclosed,1\n3,4\n');

    expect(items.map((item) => ('error' in item ? item.error.location : item.line))).toEqual([1, 'in.csv:3']);
  });
});
