import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../api/object.js';
import { PatchError } from './patch-error.js';
import { applyStrategicMergePatch, strategicMergePatch } from './strategic-merge.js';
import { podSchema } from './test-schemas.js';

const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const c = (name: string, image?: string): JsonObject => (image ? { name, image } : { name });

describe('strategic merge patch', () => {
  const cases: Array<[string, JsonObject, JsonObject, JsonObject]> = [
    ['containers merge by name', pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] }), { spec: { containers: [c('b', 'b:2')] } }, pod({ containers: [c('a', 'a:1'), c('b', 'b:2')] })],
    [
      'a new container goes before the live ones (no $setElementOrder)',
      pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] }),
      { spec: { containers: [c('c', 'c:1')] } },
      pod({ containers: [c('c', 'c:1'), c('a', 'a:1'), c('b', 'b:1')] }),
    ],
    [
      'elements the patch names take the patch order',
      pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] }),
      { spec: { containers: [c('b', 'b:2'), c('a', 'a:2')] } },
      pod({ containers: [c('b', 'b:2'), c('a', 'a:2')] }),
    ],
    ['$patch: delete removes an element', pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] }), { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }, pod({ containers: [c('b', 'b:1')] })],
    [
      '$setElementOrder orders the merged list',
      pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] }),
      { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'c' }], containers: [c('c', 'c:1')] } },
      pod({ containers: [c('b', 'b:1'), c('a', 'a:1'), c('c', 'c:1')] }),
    ],
    [
      '$setElementOrder alone reorders',
      pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] }),
      { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } },
      pod({ containers: [c('b', 'b:1'), c('a', 'a:1')] }),
    ],
    [
      '$retainKeys clears the fields not listed',
      pod({ volumes: [{ name: 'v', hostPath: { path: '/x' } }] }),
      { spec: { volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['emptyDir', 'name'] }] } },
      pod({ volumes: [{ name: 'v', emptyDir: {} }] }),
    ],
    ['null deletes a map key', pod({}, { name: 'p', labels: { app: 'web', tier: 'fe' } }), { metadata: { labels: { tier: null } } }, pod({}, { name: 'p', labels: { app: 'web' } })],
    ['null deletes a field', pod({ serviceAccountName: 'sa', containers: [c('a')] }), { spec: { serviceAccountName: null } }, pod({ containers: [c('a')] })],
    [
      'a primitive merge list is a union',
      pod({}, { name: 'p', finalizers: ['x', 'y'] }),
      { metadata: { finalizers: ['y', 'z'] } },
      pod({}, { name: 'p', finalizers: ['x', 'y', 'z'] }),
    ],
    ['a new primitive goes first', pod({}, { name: 'p', finalizers: ['x', 'y'] }), { metadata: { finalizers: ['z'] } }, pod({}, { name: 'p', finalizers: ['z', 'x', 'y'] })],
    [
      '$deleteFromPrimitiveList',
      pod({}, { name: 'p', finalizers: ['x', 'y'] }),
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
      pod({}, { name: 'p', finalizers: ['y'] }),
    ],
    [
      '$setElementOrder on a primitive list',
      pod({}, { name: 'p', finalizers: ['x', 'y'] }),
      { metadata: { '$setElementOrder/finalizers': ['y', 'z', 'x'], finalizers: ['z'] } },
      pod({}, { name: 'p', finalizers: ['y', 'z', 'x'] }),
    ],
    ['lists without merge strategy replace', pod({ tolerations: [{ key: 'a' }, { key: 'b' }] }), { spec: { tolerations: [{ key: 'c' }] } }, pod({ tolerations: [{ key: 'c' }] })],
    ['lists of scalars without strategy replace', pod({ containers: [{ name: 'a', args: ['1', '2'] }] }), { spec: { containers: [{ name: 'a', args: ['3'] }] } }, pod({ containers: [{ name: 'a', args: ['3'] }] })],
    [
      'merge lists nest (env inside a container)',
      pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] }),
      { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }] }] } },
      pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '3' }] }] }),
    ],
    [
      '$patch: replace in a map replaces it',
      pod({ containers: [c('a')], serviceAccountName: 'sa' }),
      { spec: { $patch: 'replace', containers: [c('z')] } },
      pod({ containers: [c('z')] }),
    ],
    ['$patch: replace in a list replaces the list', pod({ containers: [c('a'), c('b')] }), { spec: { containers: [c('z'), { $patch: 'replace' }] } }, pod({ containers: [c('z')] })],
    ['$patch: delete of a map empties it', pod({}, { name: 'p', labels: { a: 'b' } }), { metadata: { labels: { $patch: 'delete' } } }, pod({}, { name: 'p', labels: {} })],
    ['maps merge recursively', pod({ nodeSelector: { a: '1' } }, { name: 'p', labels: { a: '1' } }), { metadata: { labels: { b: '2' } } }, pod({ nodeSelector: { a: '1' } }, { name: 'p', labels: { a: '1', b: '2' } })],
    ['a new field drops directives and nulls inside it', pod({}), { spec: { containers: [{ name: 'a', image: null, env: [{ name: 'x', $patch: 'delete' }] }] } }, pod({ containers: [{ name: 'a', env: [] }] })],
  ];

  it.each(cases)('%s', (_name, original, patch, expected) => {
    const before = JSON.stringify(original);
    const cleanPatch = JSON.parse(JSON.stringify(patch)) as JsonObject;
    expect(strategicMergePatch(original, cleanPatch, podSchema)).toEqual(expected);
    expect(JSON.stringify(original)).toBe(before);
  });

  const failures: Array<[string, string, number, string]> = [
    ['element without its merge key', JSON.stringify({ spec: { containers: [{ image: 'x' }] } }), 500, 'map: map[image:x] does not contain declared merge key: name'],
    ['$patch: merge in a list', JSON.stringify({ spec: { containers: [{ name: 'a', $patch: 'merge' }] } }), 500, 'merging lists cannot yet be specified in the patch'],
    ['unknown $patch in a map', JSON.stringify({ spec: { $patch: 'frob' } }), 500, 'unknown patch type: frob in map: map[$patch:frob]'],
    ['patch field outside $retainKeys', JSON.stringify({ spec: { $retainKeys: ['containers'], serviceAccountName: 'x' } }), 400, 'invalid patch format of retainKeys'],
    ['$retainKeys not a list', JSON.stringify({ spec: { $retainKeys: 'x' } }), 400, 'invalid patch format of retainKeys'],
    ['$setElementOrder with another prefix', JSON.stringify({ spec: { '$setElementOrderX/containers': [] } }), 400, 'invalid patch format of setElementOrder list'],
    ['a list body', '[]', 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    [
      'patch order disagrees with $setElementOrder',
      JSON.stringify({ spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [c('b'), c('a')] } }),
      500,
      "the order in patch list:\n[map[name:b] map[name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]",
    ],
  ];
  it.each(failures)('%s → %i', (_name, body, code, message) => {
    const original = pod({ containers: [c('a', 'a:1'), c('b', 'b:1')] });
    try {
      applyStrategicMergePatch(original, body, podSchema);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(PatchError);
      expect([(e as PatchError).code, (e as PatchError).message]).toEqual([code, message]);
    }
  });

  it('a null body changes nothing', () => {
    const original = pod({ containers: [c('a')] });
    expect(applyStrategicMergePatch(original, 'null', podSchema)).toEqual(original);
  });
});
