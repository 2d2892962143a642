import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { applyPatch, contentTypeToPatchKind, PatchError, validatePatchOptions } from './index.js';
import { podSchema } from './test-schemas.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };

describe('content types', () => {
  it.each([
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json; charset=utf-8', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/apply-patch+yaml', 'apply'],
  ])('%s → %s', (ct, kind) => {
    expect(contentTypeToPatchKind(ct)).toBe(kind);
  });

  it('anything else is 415 listing the accepted types', () => {
    expect(() => contentTypeToPatchKind('application/json')).toThrow(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('custom resources do not take strategic merge patch', () => {
    try {
      contentTypeToPatchKind('application/strategic-merge-patch+json', false);
      expect.fail('should throw');
    } catch (e) {
      expect((e as PatchError).code).toBe(415);
      expect((e as PatchError).reason).toBe('UnsupportedMediaType');
      expect((e as PatchError).message).toBe(
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
  });
});

describe('applyPatch', () => {
  it.each([
    ['json', '[{"op":"replace","path":"/metadata/labels/a","value":"2"}]'],
    ['merge', '{"metadata":{"labels":{"a":"2"}}}'],
    ['strategic', '{"metadata":{"labels":{"a":"2"}}}'],
  ] as const)('%s patch', (kind, body) => {
    const out = applyPatch(kind, pod, body, podSchema);
    expect(out.metadata.labels).toEqual({ a: '2' });
    expect(pod.metadata.labels).toEqual({ a: '1' });
  });

  it('strategic without a schema is 415', () => {
    expect(() => applyPatch('strategic', pod, '{}', undefined)).toThrow(PatchError);
  });

  it('a patch that turns the object into a list is 422', () => {
    try {
      applyPatch('json', pod, '[{"op":"replace","path":"","value":[]}]', undefined);
      expect.fail('should throw');
    } catch (e) {
      expect((e as PatchError).code).toBe(422);
    }
  });
});

describe('validatePatchOptions', () => {
  it('apply needs a fieldManager', () => {
    const e = validatePatchOptions('apply', {});
    expect(e?.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    expect(e?.details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }]);
  });
  it('force is only for apply', () => {
    expect(validatePatchOptions('merge', { force: true })?.message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    expect(validatePatchOptions('apply', { fieldManager: 'kubectl', force: true })).toBeUndefined();
  });
});
