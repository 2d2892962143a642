// How a ConfChange travels inside a log entry's data. JSON keeps logs readable when debugging;
// empty data decodes to the empty change (leave the joint configuration), which is what the
// leader proposes on its own when it leaves a joint configuration automatically.

import type { ConfChange, ConfChangeSingle, ConfChangeTransition, ConfChangeType } from './types.js';

interface WireConfChange {
  transition: ConfChangeTransition;
  changes: ConfChangeSingle[];
  context?: string; // base64
}

const transitions: readonly ConfChangeTransition[] = ['auto', 'jointImplicit', 'jointExplicit'];
const changeTypes: readonly ConfChangeType[] = ['addNode', 'removeNode', 'addLearner'];

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const wire: WireConfChange = { transition: cc.transition, changes: cc.changes };
  if (cc.context && cc.context.length > 0) wire.context = Buffer.from(cc.context).toString('base64');
  return new TextEncoder().encode(JSON.stringify(wire));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length === 0) return { transition: 'auto', changes: [] };
  const wire = JSON.parse(new TextDecoder().decode(data)) as Partial<WireConfChange> | null;
  if (
    !wire ||
    !wire.transition ||
    !transitions.includes(wire.transition) ||
    !Array.isArray(wire.changes) ||
    (wire.context !== undefined && typeof wire.context !== 'string')
  ) {
    throw new Error('malformed conf change entry');
  }
  for (const c of wire.changes) {
    if (!c || !changeTypes.includes(c.type) || !Number.isSafeInteger(c.nodeId) || c.nodeId < 0) {
      throw new Error('malformed conf change entry');
    }
  }
  const cc: ConfChange = { transition: wire.transition, changes: wire.changes.map((c) => ({ type: c.type, nodeId: c.nodeId })) };
  if (wire.context) cc.context = new Uint8Array(Buffer.from(wire.context, 'base64'));
  return cc;
}
