import { describe, expect, it } from 'vitest';
import { createSchemaSource } from './schema-source.js';
import { TEST_STRATEGIES } from './test-strategies.js';
import { findDuplicateFields, findStrictFieldProblems, findUnknownFields, strictDecodingError } from './unknown-fields.js';

const deployment = createSchemaSource(TEST_STRATEGIES).forKind('apps', 'v1', 'Deployment')!;
const crd = createSchemaSource(TEST_STRATEGIES).forKind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')!;

describe('findUnknownFields', () => {
  it.each<[string, unknown, string[]]>([
    ['a valid deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', labels: { x: 'y' } }, spec: { replicas: 1 } }, []],
    ['a top-level field', { kind: 'Deployment', foo: 1 }, ['foo']],
    ['a spec field', { spec: { replicas: 1, replica: 2 } }, ['spec.replica']],
    ['case matters', { spec: { Replicas: 1 } }, ['spec.Replicas']],
    [
      'fields in list items',
      { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b', foo: 1, ports: [{ containerPort: 80, containerPortZ: 1 }] }] } } } },
      ['spec.template.spec.containers[1].foo', 'spec.template.spec.containers[1].ports[0].containerPortZ'],
    ],
    ['map values are free', { metadata: { annotations: { anything: 'goes' } } }, []],
    ['int-or-string given an object is not judged here', { spec: { strategy: { rollingUpdate: { maxSurge: { a: 1 } } } } }, []],
    ['several at once, in key order', { zeta: 1, spec: { b: 1 }, alpha: 2 }, ['zeta', 'spec.b', 'alpha']],
  ])('%s', (_name, obj, expected) => {
    expect(findUnknownFields(obj, deployment)).toEqual(expected);
  });

  it('stops below preserved fields', () => {
    const obj = { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { 'x-kubernetes-preserve-unknown-fields': true, bogus: 1 } } }] } };
    expect(findUnknownFields(obj, crd)).toEqual(['spec.versions[0].schema.openAPIV3Schema.bogus']);
  });
});

describe('findStrictFieldProblems on JSON text', () => {
  it('reports unknown and duplicate fields in reading order', () => {
    const text = '{"apiVersion":"apps/v1","kind":"Deployment","spec":{"unknownField":"x","replicas":1,"replicas":2}}';
    const problems = findStrictFieldProblems(text, deployment);
    expect(problems).toEqual([
      { kind: 'unknown', path: 'spec.unknownField' },
      { kind: 'duplicate', path: 'spec.replicas' },
    ]);
    expect(strictDecodingError(problems)).toBe('strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"');
  });

  it('finds duplicates in maps, arrays and escaped keys, without a schema', () => {
    const text = ` {
      "metadata": {"labels": {"a": "1", "\\u0061": "2"}},
      "spec": {"template": {"spec": {"containers": [{"name": "x"}, {"name": "y", "image": "i", "image": "j"}]}}},
      "n": [1, -2.5e3, true, false, null, "s\\"q"], "n": {}
    }`;
    expect(findDuplicateFields(text)).toEqual(['metadata.labels.a', 'spec.template.spec.containers[1].image', 'n']);
  });

  it('reports nothing for clean text', () => {
    expect(findStrictFieldProblems('{"spec":{"replicas":3,"template":{}}}', deployment)).toEqual([]);
  });

  it.each(['{"a":1', '{"a" 1}', '{"a":1}x', '{"a":tru}', '{"a":"x}'])('rejects malformed JSON %s', (text) => {
    expect(() => findDuplicateFields(text)).toThrow(SyntaxError);
  });
});
