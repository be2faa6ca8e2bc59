import { describe, expect, it } from 'vitest';
import { parseMetricsCsv } from '../../../../shared/adapters/file/metrics-csv.js';

describe('parseMetricsCsv', () => {
  it('groups values by query id, each series sorted by time', async () => {
    const text = [
      'Timestamp,Id,Value',
      '2024-09-02T00:00:00Z,requests,120',
      '2024-09-01T00:00:00Z,requests,100',
      '2024-09-01 00:00:00,p99_latency,0.25',
    ].join('\n');

    const { series, errors } = await parseMetricsCsv({ text, name: 'metrics.csv' });

    expect(errors).toEqual([]);
    expect(series).toEqual(
      new Map([
        [
          'requests',
          [
            { timestamp: '2024-09-01T00:00:00.000Z', value: 100 },
            { timestamp: '2024-09-02T00:00:00.000Z', value: 120 },
          ],
        ],
        ['p99_latency', [{ timestamp: '2024-09-01T00:00:00.000Z', value: 0.25 }]],
      ]),
    );
  });

  it('matches header names in any case and order', async () => {
    const text = 'id,value,timestamp\nrequests,5,2024-09-01\n';

    const { series } = await parseMetricsCsv({ text, name: 'metrics.csv' });

    expect(series.get('requests')).toEqual([{ timestamp: '2024-09-01T00:00:00.000Z', value: 5 }]);
  });

  it('reports each bad line by number and column, and keeps the others', async () => {
    const text = [
      'Timestamp,Id,Value',
      '2024-09-01,requests,1',
      'yesterday,requests,2',
      '2024-09-02,,3',
      '2024-09-03,requests,',
      '2024-09-01T00:00:00Z,requests,9',
      '2024-09-04,requests,4',
    ].join('\n');

    const { series, errors } = await parseMetricsCsv({ text, name: 'metrics.csv' });

    expect(errors.map((e) => e.message)).toEqual([
      'metrics.csv:3: Timestamp: not a timestamp: "yesterday"',
      'metrics.csv:4: Id: empty',
      'metrics.csv:5: Value: not a number: ""',
      'metrics.csv:6: Timestamp: duplicate of line 2 for Id "requests"',
    ]);
    expect(series.get('requests')?.map((p) => p.value)).toEqual([1, 4]);
  });

  it('throws when a column is missing or the file is empty', async () => {
    await expect(parseMetricsCsv({ text: 'Timestamp,Value\n', name: 'metrics.csv' })).rejects.toThrow(
      'metrics.csv: missing column: Id',
    );
    await expect(parseMetricsCsv({ text: '', name: 'metrics.csv' })).rejects.toThrow(
      'metrics.csv: empty file',
    );
  });
});
