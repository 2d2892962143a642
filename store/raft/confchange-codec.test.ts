// The ConfChange wire format inside log entries: round trips, leave-joint, malformed input.

import { describe, expect, it } from 'vitest';
import { decodeConfChange, encodeConfChange } from './confchange-codec.js';
import { isLeaveJoint } from './confchange.js';
import type { ConfChange } from './types.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('encodeConfChange / decodeConfChange round trip', () => {
  const cases: Array<{ name: string; cc: ConfChange }> = [
    { name: 'add a voter', cc: { transition: 'auto', changes: [{ type: 'addNode', nodeId: 1 }] } },
    { name: 'remove a voter', cc: { transition: 'auto', changes: [{ type: 'removeNode', nodeId: 7 }] } },
    { name: 'add a learner', cc: { transition: 'auto', changes: [{ type: 'addLearner', nodeId: 3 }] } },
    { name: 'explicit leave (non-empty data)', cc: { transition: 'auto', changes: [] } },
    {
      name: 'implicit joint, several changes, order kept',
      cc: { transition: 'jointImplicit', changes: [{ type: 'addNode', nodeId: 4 }, { type: 'removeNode', nodeId: 1 }, { type: 'addLearner', nodeId: 1 }] },
    },
    { name: 'explicit joint', cc: { transition: 'jointExplicit', changes: [{ type: 'addNode', nodeId: 2 }, { type: 'addNode', nodeId: 3 }] } },
    { name: 'node id 0 (a no-op for the Changer)', cc: { transition: 'auto', changes: [{ type: 'addNode', nodeId: 0 }] } },
    { name: 'largest safe node id', cc: { transition: 'auto', changes: [{ type: 'addNode', nodeId: Number.MAX_SAFE_INTEGER }] } },
    { name: 'text context', cc: { transition: 'auto', changes: [{ type: 'addNode', nodeId: 2 }], context: utf8('["http://10.0.0.2:2380"]') } },
    { name: 'binary context', cc: { transition: 'auto', changes: [{ type: 'addNode', nodeId: 2 }], context: new Uint8Array([0, 255, 1, 128, 0]) } },
    { name: 'context on a leave', cc: { transition: 'auto', changes: [], context: new Uint8Array([9]) } },
  ];
  it.each(cases)('$name', ({ cc }) => {
    const data = encodeConfChange(cc);
    expect(data.length).toBeGreaterThan(0); // never confused with the empty leave-joint entry
    const got = decodeConfChange(data);
    expect(got).toEqual(cc);
    expect(isLeaveJoint(got)).toBe(cc.changes.length === 0);
    // Decoding is a pure function of the bytes: doing it twice gives equal results.
    expect(decodeConfChange(data)).toEqual(got);
  });

  it('drops an empty context', () => {
    const got = decodeConfChange(encodeConfChange({ transition: 'auto', changes: [], context: new Uint8Array() }));
    expect(got).toEqual({ transition: 'auto', changes: [] });
    expect('context' in got).toBe(false);
  });

  it('keeps only type and nodeId of each change', () => {
    const cc = { transition: 'auto', changes: [{ type: 'addNode', nodeId: 5, extra: 'x' }] } as unknown as ConfChange;
    expect(decodeConfChange(encodeConfChange(cc))).toEqual({ transition: 'auto', changes: [{ type: 'addNode', nodeId: 5 }] });
  });

  it('is readable JSON', () => {
    const data = encodeConfChange({ transition: 'jointExplicit', changes: [{ type: 'removeNode', nodeId: 2 }], context: utf8('hi') });
    expect(JSON.parse(new TextDecoder().decode(data))).toEqual({
      transition: 'jointExplicit',
      changes: [{ type: 'removeNode', nodeId: 2 }],
      context: Buffer.from('hi').toString('base64'),
    });
  });
});

describe('decodeConfChange: empty data', () => {
  it('is the leave-joint change the leader proposes on its own', () => {
    const cc = decodeConfChange(new Uint8Array());
    expect(cc).toEqual({ transition: 'auto', changes: [] });
    expect(isLeaveJoint(cc)).toBe(true);
  });
});

describe('decodeConfChange: malformed input', () => {
  const cases: Array<{ name: string; json: string; err: RegExp | typeof SyntaxError }> = [
    { name: 'not JSON', json: 'not json', err: SyntaxError },
    { name: 'truncated', json: '{"transition":"auto","changes":[{"type":"addNode"', err: SyntaxError },
    { name: 'null', json: 'null', err: /malformed/ },
    { name: 'a number', json: '5', err: /malformed/ },
    { name: 'a string', json: '"auto"', err: /malformed/ },
    { name: 'an array', json: '[]', err: /malformed/ },
    { name: 'an empty object', json: '{}', err: /malformed/ },
    { name: 'no changes', json: '{"transition":"auto"}', err: /malformed/ },
    { name: 'changes not an array', json: '{"transition":"auto","changes":{}}', err: /malformed/ },
    { name: 'no transition', json: '{"changes":[]}', err: /malformed/ },
    { name: 'unknown transition', json: '{"transition":"joint","changes":[]}', err: /malformed/ },
    { name: 'a null change', json: '{"transition":"auto","changes":[null]}', err: /malformed/ },
    { name: 'a number change', json: '{"transition":"auto","changes":[1]}', err: /malformed/ },
    { name: 'unknown change type', json: '{"transition":"auto","changes":[{"type":"updateNode","nodeId":1}]}', err: /malformed/ },
    { name: 'missing node id', json: '{"transition":"auto","changes":[{"type":"addNode"}]}', err: /malformed/ },
    { name: 'string node id', json: '{"transition":"auto","changes":[{"type":"addNode","nodeId":"1"}]}', err: /malformed/ },
    { name: 'negative node id', json: '{"transition":"auto","changes":[{"type":"addNode","nodeId":-1}]}', err: /malformed/ },
    { name: 'fractional node id', json: '{"transition":"auto","changes":[{"type":"addNode","nodeId":1.5}]}', err: /malformed/ },
    { name: 'unsafe node id', json: '{"transition":"auto","changes":[{"type":"addNode","nodeId":9007199254740993}]}', err: /malformed/ },
    { name: 'one bad change among good ones', json: '{"transition":"auto","changes":[{"type":"addNode","nodeId":1},{"type":"addNode","nodeId":-2}]}', err: /malformed/ },
    { name: 'non-string context', json: '{"transition":"auto","changes":[],"context":123}', err: /malformed/ },
  ];
  it.each(cases)('$name', ({ json, err }) => {
    expect(() => decodeConfChange(utf8(json))).toThrow(err);
  });
});
