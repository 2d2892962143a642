import { describe, expect, it } from 'vitest';
import {
  checkFieldLabels,
  escapeValue,
  fieldSelectorString,
  matchesFields,
  parseFieldSelector,
  requiresExactMatch,
  unescapeValue,
} from './field-selector.js';

describe('parseFieldSelector', () => {
  it.each([
    ['', ''],
    [',', ''],
    ['metadata.name=web', 'metadata.name=web'],
    ['metadata.name==web', 'metadata.name=web'],
    ['status.phase!=Running', 'status.phase!=Running'],
    ['status.phase!=Running,metadata.name=web', 'metadata.name=web,status.phase!=Running'],
    ['spec.nodeName=', 'spec.nodeName='],
    ['a=x\\,y', 'a=x\\,y'],
    ['a=x\\=y\\\\z', 'a=x\\=y\\\\z'],
  ])('%j -> %j', (input, canonical) => {
    expect(fieldSelectorString(parseFieldSelector(input))).toBe(canonical);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\n', 'invalid field selector: invalid escape sequence: \\n'],
    ['a==b=c', 'invalid field selector: unescaped character in value: 61'],
    // "!=" splits first, leaving "=b" as the value, where an unescaped "=" is refused.
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\\\,c', "invalid selector: 'a=b\\\\,c'; can't understand 'c'"], // an escaped backslash, then a real comma
  ])('%j fails with %j', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(message);
  });

  it('keeps unescaped values', () => {
    expect(parseFieldSelector('a=x\\,y\\=z\\\\').terms).toEqual([{ field: 'a', operator: '=', value: 'x,y=z\\' }]);
  });
});

describe('escapeValue / unescapeValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
  ])('%j <-> %j', (raw, escaped) => {
    expect(escapeValue(raw)).toBe(escaped);
    expect(unescapeValue(escaped)).toBe(raw);
  });
});

describe('matchesFields', () => {
  const fields = { 'metadata.name': 'web', 'status.phase': 'Running', 'spec.nodeName': '' };
  it.each([
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name=db', false],
    ['status.phase!=Running', false],
    ['status.phase!=Pending', true],
    ['spec.nodeName=', true],
    ['spec.missing=', true], // a field the object lacks reads as ""
    ['spec.missing!=', false],
    ['metadata.name=web,status.phase=Running', true],
    ['metadata.name=web,status.phase=Failed', false],
  ])('%j -> %s', (sel, expected) => {
    expect(matchesFields(parseFieldSelector(sel), fields)).toBe(expected);
  });
});

describe('requiresExactMatch', () => {
  it.each([
    ['metadata.name=web', 'metadata.name', 'web'],
    ['metadata.name==web', 'metadata.name', 'web'],
    ['metadata.name!=web', 'metadata.name', undefined],
    ['spec.nodeName=n1', 'metadata.name', undefined],
  ])('%j on %s -> %s', (sel, field, value) => {
    expect(requiresExactMatch(parseFieldSelector(sel), field)).toBe(value);
  });
});

describe('checkFieldLabels', () => {
  it.each([
    ['metadata.name=a,metadata.namespace=b', ['spec.nodeName'], undefined],
    ['spec.nodeName=n1', ['spec.nodeName'], undefined],
    ['spec.foo=x', ['spec.nodeName'], 'field label not supported: spec.foo'],
    ['metadata.name=a', undefined, undefined],
    ['spec.foo=x', undefined, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ] as const)('%j with %j', (sel, supported, message) => {
    const check = (): void => checkFieldLabels(parseFieldSelector(sel), supported);
    if (message === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(message);
  });
});
