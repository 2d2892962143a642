import { describe, expect, it } from 'vitest';
import { jsonpath } from './jsonpath.js';

const list = {
  items: [
    { metadata: { name: 'a', labels: { app: 'web' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
    { metadata: { name: 'b', labels: { 'app.kubernetes.io/name': 'x' } }, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] } },
  ],
};

describe('jsonpath subset', () => {
  it('reads fields, indexes and wildcards', () => {
    expect(jsonpath('{.items[0].metadata.name}', list)).toBe('a');
    expect(jsonpath('{.items[-1].metadata.name}', list)).toBe('b');
    expect(jsonpath('{.items[*].metadata.name}', list)).toBe('a b');
    expect(jsonpath(".items[1].metadata.labels['app.kubernetes.io/name']", list)).toBe('x');
    expect(jsonpath('{.items[0].metadata.labels}', list)).toBe('{"app":"web"}');
    expect(jsonpath('{.items[0].nothing}', list)).toBe('');
  });
  it('ranges, literals and filters', () => {
    expect(jsonpath('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', list)).toBe('a\tRunning\nb\tPending\n');
    expect(jsonpath('{.items[?(@.status.phase=="Running")].metadata.name}', list)).toBe('a');
    expect(jsonpath('{range .items[*]}{.status.conditions[?(@.type=="Ready")].status} {end}', list)).toBe('True False ');
    expect(jsonpath('names: {.items[*].metadata.name}!', list)).toBe('names: a b!');
  });
});
