import { describe, expect, it } from 'vitest';
import type { Json } from '../api/object.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { PatchError } from './patch-error.js';

const pod: Json = { metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } };

describe('JSON patch (RFC 6902)', () => {
  const cases: Array<[string, Json, Json[], Json]> = [
    ['replace a field', pod, [{ op: 'replace', path: '/metadata/labels/app', value: 'api' }], { metadata: { name: 'p', labels: { app: 'api' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } }],
    ['add a list element at the end', pod, [{ op: 'add', path: '/spec/containers/-', value: { name: 'b' } }], { metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b' }] } }],
    ['remove, then a passing test', pod, [{ op: 'test', path: '/metadata/name', value: 'p' }, { op: 'remove', path: '/metadata/labels' }], { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'a:1' }] } }],
    ['escaped pointer', { metadata: { annotations: { 'a/b': 'x' } } }, [{ op: 'remove', path: '/metadata/annotations/a~1b' }], { metadata: { annotations: {} } }],
  ];
  it.each(cases)('%s', (_name, original, patch, expected) => {
    expect(applyJsonPatch(original, JSON.stringify(patch))).toEqual(expected);
    expect(original).toEqual(original === pod ? pod : original); // input untouched
  });

  const failures: Array<[string, string, number, string]> = [
    ['failed test op', JSON.stringify([{ op: 'test', path: '/metadata/name', value: 'q' }]), 422, 'the server rejected our request due to an error in our request'],
    ['path that does not exist', JSON.stringify([{ op: 'remove', path: '/spec/nothing' }]), 422, 'the server rejected our request due to an error in our request'],
    ['unknown op', JSON.stringify([{ op: 'frobnicate', path: '/x' }]), 422, 'the server rejected our request due to an error in our request'],
    ['an object instead of a list', JSON.stringify({ op: 'add' }), 400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['a list of strings', JSON.stringify(['add']), 400, 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
  ];
  it.each(failures)('%s → %i', (_name, body, code, message) => {
    try {
      applyJsonPatch(pod, body);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(PatchError);
      expect((e as PatchError).code).toBe(code);
      expect((e as PatchError).message).toBe(message);
    }
  });

  it('a failed test answers the exact Status Kubernetes sends', () => {
    const e = (() => {
      try {
        applyJsonPatch(pod, '[{"op":"test","path":"/metadata/name","value":"q"}]');
      } catch (err) {
        return err as PatchError;
      }
      throw new Error('no error');
    })();
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('more than 10000 operations is 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'p' }));
    expect(() => applyJsonPatch(pod, JSON.stringify(ops))).toThrow('The allowed maximum operations in a JSON patch is 10000, got 10001');
  });

  it('a body that is not JSON is 400', () => {
    expect(() => applyJsonPatch(pod, '[{')).toThrow(PatchError);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  const cases: Array<[string, Json, Json, Json]> = [
    ['null deletes', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['maps merge recursively', { m: { x: 1, y: 2 } }, { m: { y: 3, z: 4 } }, { m: { x: 1, y: 3, z: 4 } }],
    ['lists replace', { l: [1, 2, 3] }, { l: [4] }, { l: [4] }],
    ['nulls inside new values vanish', { a: 1 }, { n: { keep: 1, drop: null } }, { a: 1, n: { keep: 1 } }],
    ['a scalar replaced by a map', { a: 'x' }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['deleting what is absent is fine', { a: 1 }, { zz: null }, { a: 1 }],
  ];
  it.each(cases)('%s', (_name, original, patch, expected) => {
    expect(applyMergePatch(original, JSON.stringify(patch))).toEqual(expected);
  });

  it.each([['null'], ['"x"'], ['{not json']])('%s is 400 Invalid JSON Patch', (body) => {
    expect(() => applyMergePatch({ a: 1 }, body)).toThrow('Invalid JSON Patch');
  });
});
