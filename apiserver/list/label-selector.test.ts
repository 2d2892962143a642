import { describe, expect, it } from 'vitest';
import {
  everything,
  formatLabels,
  formatLabelSelector,
  fromLabelSelector,
  matchesLabels,
  nothing,
  parseLabelSelector,
  selectorString,
  type LabelSelectorJson,
} from './label-selector.js';

const NAME_REGEX_ERROR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: canonical string form', () => {
  it.each([
    ['', ''],
    ['   ', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a==b'],
    ['a!=b', 'a!=b'],
    ['a', 'a'],
    ['!a', '!a'],
    ['a in (y,x)', 'a in (x,y)'],
    ['a in (x,x)', 'a in (x)'],
    ['a notin (x)', 'a notin (x)'],
    ['a in ()', 'a in ()'],
    ['a in (,x)', 'a in (,x)'],
    ['x in (in)', 'x in (in)'],
    ['a>1', 'a>1'],
    ['a<3', 'a<3'],
    ['a=', 'a='],
    ['  b = c , a  ', 'a,b=c'],
    // Requirements sort by key; `!` is not part of the key.
    ['z=1,app.kubernetes.io/name=web,!canary', 'app.kubernetes.io/name=web,!canary,z=1'],
    ['tier in (a, b)', 'tier in (a,b)'],
  ])('%j -> %j', (input, canonical) => {
    expect(selectorString(parseLabelSelector(input))).toBe(canonical);
  });
});

describe('parseLabelSelector: errors worded as labels.Parse', () => {
  it.each([
    ['a b', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    ['a<-3', 'unable to parse requirement: values[0][a]: Invalid value: "-3": ' + "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a>b', 'unable to parse requirement: values[0]: Invalid value: "b": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    ['a b=c', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_REGEX_ERROR}`],
    ['a/b/c=d', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_REGEX_ERROR.slice('name part '.length)} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['/a=b', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_REGEX_ERROR}`],
    [
      'a>x-',
      `unable to parse requirement: [values[0]: Invalid value: "x-": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "x-": ${VALUE_REGEX_ERROR}]`,
    ],
  ])('%j', (input, message) => {
    expect(() => parseLabelSelector(input)).toThrow(message);
    try {
      parseLabelSelector(input);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });

  it('counts the key length in bytes: 63 is fine, 64 is too long', () => {
    expect(selectorString(parseLabelSelector('a'.repeat(63)))).toBe('a'.repeat(63));
    expect(() => parseLabelSelector('a'.repeat(64))).toThrow(
      `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 characters`,
    );
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', rev: '7', empty: '' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['missing in (x)', false],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['empty=', true],
    ['missing=', false],
    ['rev>6', true],
    ['rev>7', false],
    ['rev<8', true],
    ['app>1', false], // a non-integer label never compares
    ['missing<100', false],
    ['app=web,tier=back', false],
    ['app=web,tier in (front)', true],
  ])('%j -> %s', (sel, expected) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(expected);
  });

  it('the empty selector matches objects without labels; nothing matches nothing', () => {
    expect(matchesLabels(everything, undefined)).toBe(true);
    expect(matchesLabels(nothing, {})).toBe(false);
  });
});

describe('fromLabelSelector and formatLabelSelector', () => {
  it.each<[LabelSelectorJson | undefined, string, string]>([
    [undefined, '', '<none>'],
    [{}, '', '<none>'],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2', 'a=1,b=2'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['front', 'back'] },
          { key: 'env', operator: 'NotIn', values: ['prod'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'Exists' },
        ],
      },
      'app=web,!canary,env notin (prod),tier in (back,front),zone',
      'app=web,!canary,env notin (prod),tier in (back,front),zone',
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, 'ERR', '<error>'],
  ])('%j', (ls, asString, formatted) => {
    if (asString === 'ERR') expect(() => fromLabelSelector(ls)).toThrow('"Gt" is not a valid label selector operator');
    else expect(selectorString(fromLabelSelector(ls))).toBe(asString);
    expect(formatLabelSelector(ls)).toBe(formatted);
  });

  it('reports invalid requirements with field paths', () => {
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    );
    expect(() => fromLabelSelector({ matchLabels: { 'bad key': 'v' } })).toThrow(`key: Invalid value: "bad key": ${NAME_REGEX_ERROR}`);
  });

  it('nil matches nothing, empty matches everything', () => {
    expect(matchesLabels(fromLabelSelector(undefined), { a: '1' })).toBe(false);
    expect(matchesLabels(fromLabelSelector({}), { a: '1' })).toBe(true);
    expect(matchesLabels(fromLabelSelector({ matchLabels: { a: '1' } }), { a: '1' })).toBe(true);
  });
});

describe('formatLabels', () => {
  it.each([
    [{}, '<none>'],
    [undefined, '<none>'],
    [{ b: '2', a: '1' }, 'a=1,b=2'],
    [{ app: '' }, 'app='],
  ])('%j -> %s', (labels, text) => {
    expect(formatLabels(labels)).toBe(text);
  });
});
