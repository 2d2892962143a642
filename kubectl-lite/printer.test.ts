import { describe, expect, it } from 'vitest';
import { formatColumns, humanDuration, printTable, type Table } from './printer.js';

describe('table printing', () => {
  it('aligns like kubectl: padding 3, minimum width 6, last column ragged', () => {
    expect(formatColumns([['NAME', 'READY', 'AGE'], ['web-1', '1/1', '5s'], ['x', '0/1', '10m']])).toBe('NAME    READY   AGE\nweb-1   1/1     5s\nx       0/1     10m\n');
    expect(formatColumns([['A', 'B'], ['1', '2']])).toBe('A     B\n1     2\n');
  });
  const table: Table = {
    kind: 'Table',
    columnDefinitions: [
      { name: 'Name', format: 'name', priority: 0 },
      { name: 'Ready', priority: 0 },
      { name: 'IP', priority: 1 },
    ],
    rows: [{ cells: ['web', '1/1', '10.0.0.1'], object: { metadata: { name: 'web', namespace: 'ns1', labels: { b: '2', a: '1' } } } }],
  };
  it('hides priority columns unless wide, adds namespace, labels and name prefixes', () => {
    expect(printTable(table)).toBe('NAME   READY\nweb    1/1\n');
    expect(printTable(table, { wide: true })).toBe('NAME   READY   IP\nweb    1/1     10.0.0.1\n');
    expect(printTable(table, { withNamespace: true, showLabels: true, namePrefix: 'pod' })).toBe('NAMESPACE   NAME      READY   LABELS\nns1         pod/web   1/1     a=1,b=2\n');
  });
  it('formats durations as apimachinery does', () => {
    const s = 1000;
    expect(humanDuration(5 * s)).toBe('5s');
    expect(humanDuration(119 * s)).toBe('119s');
    expect(humanDuration(182 * s)).toBe('3m2s');
    expect(humanDuration(600 * s)).toBe('10m');
    expect(humanDuration(3 * 3600 * s + 120 * s)).toBe('3h2m');
    expect(humanDuration(30 * 3600 * s)).toBe('30h');
    expect(humanDuration(4 * 86400 * s)).toBe('4d');
    expect(humanDuration(3 * 86400 * s + 5 * 3600 * s)).toBe('3d5h');
    expect(humanDuration(400 * 86400 * s)).toBe('400d');
    expect(humanDuration(-5 * s)).toBe('<invalid>');
  });
});
