import { describe, expect, it } from 'vitest';
import { parseManifests } from './manifests.js';
import { splitDocuments } from './yaml-errors.js';

// Each expected line is what /usr/bin/kubectl (v1.32) printed for the same file with
// `apply -f bad.yaml --dry-run=client`.
const CASES: [string, string, string][] = [
  ['bad indentation on line 3', 'apiVersion: v1\nkind: ConfigMap\n  metadata:\n  name: a\n', 'line 3: mapping values are not allowed in this context'],
  ['a key indented under a scalar on line 5', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   labels: x\n', 'line 5: mapping values are not allowed in this context'],
  ['a tab', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n', 'line 4: found character that cannot start any token'],
  ['an unclosed double quote', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "a\ndata:\n  k: v\n', 'line 7: found unexpected end of stream'],
  ["an unclosed single quote", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 'a\n", 'line 5: found unexpected end of stream'],
  ['an unclosed quote in the first of two documents', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n', 'line 5: found unexpected end of stream'],
  ['the second document badly indented (counted from its ---)', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\n  metadata:\n  name: b\n', 'line 3: mapping values are not allowed in this context'],
  ['a tab in the second document', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n--- # two\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: b\n', 'line 4: found character that cannot start any token'],
  ['a leading --- counts as a line', '---\n# c\napiVersion: v1\nkind: ConfigMap\n  metadata: {}\n', 'line 5: mapping values are not allowed in this context'],
  ['a key dedented past its siblings (a parser error: one line earlier)', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n labels: {}\n', 'line 4: did not find expected key'],
  ['an unclosed flow sequence', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: [1, 2\n', "line 5: did not find expected ',' or ']'"],
  ['an unclosed flow mapping', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {a: 1\n', "line 5: did not find expected ',' or '}'"],
];

describe('YAML errors as kubectl reports them', () => {
  it.each(CASES)('%s', (_what, text, expected) => {
    expect(() => parseManifests(text, 'bad.yaml')).toThrow(`error parsing bad.yaml: error converting YAML to JSON: yaml: ${expected}`);
  });

  it('a repeated key is no error (go-yaml keeps the last)', () => {
    expect(parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n', 'f.yaml')[0]!.metadata.name).toBe('b');
  });

  it('cuts documents at --- lines as kubectl does', () => {
    expect(splitDocuments('---\na: 1\n---\n---   # c\nb: 2\n---x: 1\n')).toEqual(['---\na: 1\n', '---   # c\nb: 2\n---x: 1\n']);
  });
});
