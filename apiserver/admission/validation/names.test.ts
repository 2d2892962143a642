import { describe, expect, it } from 'vitest';
import { errorText, fieldError } from '../../api/field-errors.js';
import { goValue } from './go-syntax.js';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isValidPortName, nameIsDNSSubdomain } from './names.js';
import { validateLabels, validateObjectMeta } from './object-meta.js';

describe('name syntax, in Kubernetes words', () => {
  it.each([
    ['web', []],
    ['a.b', ['must not contain dots']],
    [
      'Web',
      [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    ['x'.repeat(64), ['must be no more than 63 characters']],
  ])('isDNS1123Label(%j)', (value, expected) => {
    expect(isDNS1123Label(value)).toEqual(expected);
  });

  it('isDNS1035Label rejects a leading digit', () => {
    expect(isDNS1035Label('1web')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it.each([
    ['key.name', []],
    ['..x', ["must not start with '..'"]],
    ['a/b', ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
  ])('isConfigMapKey(%j)', (value, expected) => {
    expect(isConfigMapKey(value)).toEqual(expected);
  });

  it.each([
    ['http', []],
    ['a--b', ['must not contain consecutive hyphens']],
    ['123', ['must contain at least one letter (a-z)']],
    ['-web', ['must not begin or end with a hyphen']],
  ])('isValidPortName(%j)', (value, expected) => {
    expect(isValidPortName(value)).toEqual(expected);
  });

  it('a generateName prefix may end with a dash', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).not.toEqual([]);
  });
});

describe('Go renderings of bad values', () => {
  it('prints maps and selectors as %#v does', () => {
    expect(errorText(fieldError.invalid('f', goValue.stringMap({ b: '2', a: '1' }), 'x'))).toBe('f: Invalid value: map[string]string{"a":"1", "b":"2"}: x');
    expect(errorText(fieldError.invalid('f', goValue.stringMap(undefined), 'x'))).toBe('f: Invalid value: map[string]string(nil): x');
    expect(errorText(fieldError.invalid('spec.selector', goValue.labelSelector({ matchLabels: { app: 'web' } }), 'field is immutable'))).toBe(
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
    expect(goValue.labelSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }).text).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"a", "b"}}}}',
    );
  });
});

describe('object metadata', () => {
  const rules = { namespaced: true, name: nameIsDNSSubdomain };
  it.each([
    [{ namespace: 'default' }, ['metadata.name: Required value: name or generateName is required']],
    [{ name: 'Web', namespace: 'default' }, [expect.stringMatching(/^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/)]],
    [{ name: 'web' }, ['metadata.namespace: Required value']],
    [{ name: 'web', namespace: 'Default' }, [expect.stringMatching(/^metadata\.namespace: Invalid value: "Default": a lowercase RFC 1123 label/)]],
    [{ name: 'web', namespace: 'a', labels: { app: 'x y' } }, [expect.stringMatching(/^metadata\.labels: Invalid value: "x y": a valid label must be an empty string/)]],
    [{ name: 'web', namespace: 'a', annotations: { big: 'x'.repeat(256 * 1024) } }, ['metadata.annotations: Too long: must have at most 262144 bytes']],
  ])('%j', (meta, expected) => {
    expect(validateObjectMeta(meta, rules).map(errorText)).toEqual(expected);
  });

  it('reports a bad label key with the key itself', () => {
    expect(validateLabels({ 'a/b/c': 'x' }, 'metadata.labels').map(errorText)).toEqual([
      "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });
});
