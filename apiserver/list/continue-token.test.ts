import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue-token.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

describe('encodeContinue', () => {
  it.each([
    ['/registry/pods/default/web-1', '/registry/pods/', 42, '{"v":"meta.k8s.io/v1","rv":42,"start":"default/web-1"}'],
    ['/registry/namespaces/kube-system', '/registry/namespaces/', 7, '{"v":"meta.k8s.io/v1","rv":7,"start":"kube-system"}'],
    ['/registry/pods/default/web-1', '/registry/pods/', -1, '{"v":"meta.k8s.io/v1","rv":-1,"start":"default/web-1"}'],
  ])('%s under %s at %d', (key, prefix, rv, json) => {
    const token = encodeContinue(key, prefix, rv);
    expect(token).toBe(b64(json));
    expect(token).not.toMatch(/[=+/]/); // unpadded URL alphabet
    expect(decodeContinue(token, prefix)).toEqual({ fromKey: key, resourceVersion: rv });
  });

  it('refuses a key outside the prefix', () => {
    expect(() => encodeContinue('/registry/secrets/a', '/registry/pods/', 1)).toThrow(
      'unable to encode next field: the key and key prefix do not match',
    );
  });

  it('matches the token Kubernetes issues, byte for byte', () => {
    expect(encodeContinue('/registry/pods/default/b', '/registry/pods/', 123)).toBe(
      'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzLCJzdGFydCI6ImRlZmF1bHQvYiJ9',
    );
  });
});

describe('decodeContinue errors', () => {
  const prefix = '/registry/pods/';
  it.each([
    ['a', 'continue key is not valid: illegal base64 data at input byte 0'],
    ['ab=c', 'continue key is not valid: illegal base64 data at input byte 2'],
    ['ab+c', 'continue key is not valid: illegal base64 data at input byte 2'],
    [b64('xyz'), "continue key is not valid: invalid character 'x' looking for beginning of value"],
    [b64(''), 'continue key is not valid: unexpected end of JSON input'],
    [b64('[]'), 'continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken'],
    [b64('{"v":"meta.k8s.io/v1","rv":"1","start":"a"}'), 'continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
    [b64('{"v":"meta.k8s.io/v2","rv":1,"start":"a"}'), 'continue key is not valid: server does not recognize this encoded version "meta.k8s.io/v2"'],
    [b64('{"rv":1,"start":"a"}'), 'continue key is not valid: server does not recognize this encoded version ""'],
    [b64('{"v":"meta.k8s.io/v1","start":"a"}'), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    [b64('{"v":"meta.k8s.io/v1","rv":5}'), 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    [b64('{"v":"meta.k8s.io/v1","rv":5,"start":"../secrets/x"}'), 'continue key is not valid: ../secrets/x'],
    [b64('{"v":"meta.k8s.io/v1","rv":5,"start":"a//b"}'), 'continue key is not valid: a//b'],
    [b64('{"v":"meta.k8s.io/v1","rv":5,"start":"a/"}'), 'continue key is not valid: a/'],
  ])('%s', (token, message) => {
    expect(() => decodeContinue(token, prefix)).toThrow(message);
  });

  it('accepts a start with a leading slash and field names in any case, as Go does', () => {
    expect(decodeContinue(b64('{"V":"meta.k8s.io/v1","RV":9,"start":"/default/x"}'), prefix)).toEqual({
      fromKey: '/registry/pods/default/x',
      resourceVersion: 9,
    });
  });
});
