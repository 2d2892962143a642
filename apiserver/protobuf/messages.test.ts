import { describe, expect, it } from 'vitest';
import { ALL_STRATEGIES } from '../resources/catalog.js';
import { groupVersion } from '../resources/strategy.js';
import { rootMessageFor, supportedKinds } from './kinds.js';
import { MESSAGES } from './messages/index.js';
import { mapValueOf, messageNameOf, isScalarType } from './schema.js';
import { SPECIAL_MESSAGES } from './special-types.js';

const known = (name: string) => name in MESSAGES || name in SPECIAL_MESSAGES;

describe('message tables', () => {
  it('name only messages that exist', () => {
    const missing: string[] = [];
    for (const [name, spec] of Object.entries(MESSAGES)) {
      for (const [n, field] of Object.entries(spec)) {
        const ref = messageNameOf(field.type) ?? mapValueOf(field.type);
        if (ref !== undefined && !isScalarType(ref) && !known(ref)) missing.push(`${name} field ${n} → ${ref}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('give each JSON name once per message, and inline only messages', () => {
    for (const [name, spec] of Object.entries(MESSAGES)) {
      const names = Object.values(spec).filter((f) => !f.inline).map((f) => f.json);
      expect(new Set(names).size, name).toBe(names.length);
      for (const f of Object.values(spec)) if (f.inline) expect(messageNameOf(f.type), name).toBeDefined();
    }
  });

  it('have a root message for every kind the apiserver serves', () => {
    const unserved = ALL_STRATEGIES.filter((s) => !rootMessageFor(groupVersion(s), s.kind)).map((s) => `${groupVersion(s)} ${s.kind}`);
    expect(unserved).toEqual([]);
    for (const k of supportedKinds()) {
      const [apiVersion, kind] = k.split(' ');
      expect(known(rootMessageFor(apiVersion!, kind!)!), k).toBe(true);
    }
  });
});
