import { describe, expect, it } from 'vitest';
import { parseTypeExpression } from './type-expression.js';

describe('parseTypeExpression', () => {
  it.each([
    ['string', { kind: 'string' }],
    ['number', { kind: 'number' }],
    ['boolean', { kind: 'boolean' }],
    ['Date', { kind: 'date' }],
    ['V1MicroTime', { kind: 'date' }],
    ['IntOrString', { kind: 'int-or-string' }],
    ['any', { kind: 'any' }],
    ['V1PodSpec', { kind: 'model', className: 'V1PodSpec' }],
    ['Array<V1Container>', { kind: 'array', of: { kind: 'model', className: 'V1Container' } }],
    ['Array<string>', { kind: 'array', of: { kind: 'string' } }],
    ['{ [key: string]: string; }', { kind: 'map', of: { kind: 'string' } }],
    ['{ [key: string]: Array<string>; }', { kind: 'map', of: { kind: 'array', of: { kind: 'string' } } }],
    ['{ [key: string]: V1JSONSchemaProps; }', { kind: 'map', of: { kind: 'model', className: 'V1JSONSchemaProps' } }],
  ])('%s', (text, expected) => {
    expect(parseTypeExpression(text)).toEqual(expected);
  });

  it('rejects what it does not know', () => {
    expect(() => parseTypeExpression('Map<string, number>')).toThrow('unsupported client-node type expression: Map<string, number>');
  });
});
