import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSeriesCsv, type SeriesPoint } from '../../../../shared/adapters/file/series-csv.js';

// String(-0) is '0'; write the sign so that -0 round-trips too.
const formatNumber = (value: number): string => (Object.is(value, -0) ? '-0' : String(value));

describe('parseSeriesCsv', () => {
  it('reads a series with a header in file order, and turns empty values into gaps', async () => {
    const text = 'timestamp,value\n2024-09-03,3.5\n2024-09-01,1\n2024-09-02,\n';

    const { points, rows, errors } = await parseSeriesCsv({ text, name: 'series.csv' });

    expect(errors).toEqual([]);
    expect(points).toEqual([
      { timestamp: '2024-09-03T00:00:00.000Z', value: 3.5 },
      { timestamp: '2024-09-01T00:00:00.000Z', value: 1 },
      { timestamp: '2024-09-02T00:00:00.000Z', value: null },
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4]);
  });

  it('reads a series without a header', async () => {
    const { points } = await parseSeriesCsv({ text: '2024-09-01 10:00:00,7\n', name: 'series.csv' });

    expect(points).toEqual([{ timestamp: '2024-09-01T10:00:00.000Z', value: 7 }]);
  });

  it('reports bad lines by line and keeps every row, duplicates included, as far as it could be read', async () => {
    const text = [
      'timestamp,value',
      '2024-09-01,1',
      '2024-09-02,lots',
      '2024-09-32,3',
      '2024-09-01T00:00:00Z,4',
      '2024-09-05,5,extra',
      '2024-09-06,6',
    ].join('\n');

    const { points, rows, errors } = await parseSeriesCsv({ text, name: 'series.csv' });

    expect(errors.map((e) => e.message)).toEqual([
      'series.csv:3: value: not a number: "lots"',
      'series.csv:4: timestamp: not a timestamp: "2024-09-32"',
      'series.csv:6: expected 2 fields (timestamp,value), found 3',
    ]);
    expect(rows.map((r) => [r.line, r.timestamp, r.value])).toEqual([
      [2, '2024-09-01T00:00:00.000Z', 1],
      [3, '2024-09-02T00:00:00.000Z', null],
      [4, null, null],
      [5, '2024-09-01T00:00:00.000Z', 4],
      [6, '2024-09-05T00:00:00.000Z', null],
      [7, '2024-09-06T00:00:00.000Z', 6],
    ]);
    expect(points.map((p) => p.value)).toEqual([1, null, 4, null, 6]);
  });

  it('does not take a bad first data line for a header', async () => {
    const { errors } = await parseSeriesCsv({ text: '2024-13-01,1\n2024-09-01,2\n', name: 'series.csv' });

    expect(errors.map((e) => e.location)).toEqual(['series.csv:1']);
  });

  it('finds the time and the value in a wider file by their header names, or as told', async () => {
    const text =
      'Account,UsageDate,Value,Currency\n111122223333,2024-09-01,4.5,USD\n111122223333,2024-09-02,,USD\n';

    const named = await parseSeriesCsv({ text, name: 'cur.csv' });
    expect(named.errors).toEqual([]);
    expect(named.points).toEqual([
      { timestamp: '2024-09-01T00:00:00.000Z', value: 4.5 },
      { timestamp: '2024-09-02T00:00:00.000Z', value: null },
    ]);

    const told = await parseSeriesCsv({ text, name: 'cur.csv' }, { time: '2', value: 'ACCOUNT' });
    expect(told.points.map((p) => p.value)).toEqual([111122223333, 111122223333]);

    const short = await parseSeriesCsv(
      { text: 'Date,Cost,Unit\n2024-09-01,1\n', name: 'c.csv' },
      { value: 'cost' },
    );
    expect(short.errors.map((e) => e.message)).toEqual([
      'c.csv:2: expected 3 fields (Date,Cost,Unit), found 2',
    ]);
  });

  it('takes a first line for a header only when no cell of it reads as a time or a number', async () => {
    // A bare wide file whose first cell is a name: its first line is data, given the columns by number.
    const bare = await parseSeriesCsv(
      { text: 'web,2024-09-01,5\nweb,2024-09-02,6\n', name: 'bare.csv' },
      { time: '2', value: '3' },
    );
    expect(bare.points.map((p) => p.value)).toEqual([5, 6]);
    expect(bare.rows.map((r) => r.line)).toEqual([1, 2]);
    // A first data line with a bad timestamp is still a row, reported as such.
    const bad = await parseSeriesCsv({ text: ',5\n2024-09-02,6\n', name: 'bad.csv' });
    expect(bad.errors.map((e) => e.message)).toEqual(['bad.csv:1: timestamp: not a timestamp: ""']);
    // A title line is one bad line, not a header.
    const titled = await parseSeriesCsv({ text: 'Daily cost report\n2024-09-02,6\n', name: 't.csv' });
    expect(titled.errors.map((e) => e.message)).toEqual([
      't.csv:1: expected 2 fields (timestamp,value), found 1',
    ]);
    expect(titled.points).toHaveLength(1);
  });

  it('finds the time by its name among the other columns, and refuses what it cannot tell', async () => {
    const read = (text: string, columns = {}) => parseSeriesCsv({ text, name: 'e.csv' }, columns);
    // The value is not also taken for the time; an exact time name wins over a name containing one.
    const latency = await read('Host,ResponseTime,Timestamp\nweb,0.25,2024-09-01\n', {
      value: 'ResponseTime',
    });
    expect(latency.points).toEqual([{ timestamp: '2024-09-01T00:00:00.000Z', value: 0.25 }]);
    const updated = await read('Candidate,Updated,Date,Value\nx,2023-01-01,2024-09-01,3\n');
    expect(updated.points).toEqual([{ timestamp: '2024-09-01T00:00:00.000Z', value: 3 }]);
    // Two columns with a header are read by their names, in either order.
    const reversed = await read('Cost,Date\n4,2024-09-01\n');
    expect(reversed.points).toEqual([{ timestamp: '2024-09-01T00:00:00.000Z', value: 4 }]);
    // Months are dates of a monthly series here.
    expect((await read('month,cost\n2024-09,7\n')).points).toEqual([
      { timestamp: '2024-09-01T00:00:00.000Z', value: 7 },
    ]);
    await expect(read('Timestamp,Value,Value\n2024-09-01,1,2\n')).rejects.toThrow(
      'e.csv:1: 2 columns are named value (2, 3): say which holds the value with --value-column N',
    );
    await expect(read('Timestamp,Value,Value\n2024-09-01,1,2\n', { value: 'value' })).rejects.toThrow(
      'e.csv:1: --value-column value: 2 columns have that name (2, 3); give a column number',
    );
    expect((await read('Timestamp,Value,Value\n2024-09-01,1,2\n', { value: '3' })).points[0]?.value).toBe(2);
    await expect(read('timestamp,value\n2024-09-01,1\n', { time: 'Timestamp', value: '1' })).rejects.toThrow(
      'e.csv:1: the time and the value cannot both be column 1',
    );
    await expect(read('Host,Cpu,Mem\nweb,1,2\n', { value: 'Cpu' })).rejects.toThrow(
      'e.csv:1: 3 columns (Host, Cpu, Mem): say which holds the time with --time-column NAME',
    );
  });

  it('parses generated rows back to the same points, in file order', async () => {
    const point = fc.record({
      date: fc.date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
      spaceSeparated: fc.boolean(),
    });
    const rows = fc.array(point, { maxLength: 50 });

    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), async (generated, withHeader) => {
        const lines = generated.map(({ date, value, spaceSeparated }) => {
          const iso = date.toISOString();
          const timestamp = spaceSeparated ? iso.replace('T', ' ').replace('Z', '') : iso;
          return `${timestamp},${value === null ? '' : formatNumber(value)}`;
        });
        const text = [...(withHeader ? ['timestamp,value'] : []), ...lines].join('\n');

        const { points, errors } = await parseSeriesCsv({ text, name: 'generated.csv' });

        const expected: SeriesPoint[] = generated.map(({ date, value }) => ({
          timestamp: date.toISOString(),
          value,
        }));
        expect(errors).toEqual([]);
        expect(points).toEqual(expected);
      }),
    );
  });
});
