import { describe, expect, it } from 'vitest';
import { MemoryStorage, RawNode, bootstrap, decodeConfChange, type Message } from './index.js';

describe('smoke', () => {
  it('3 nodes elect and commit', () => {
    const ids = [1, 2, 3];
    const stores = new Map<number, MemoryStorage>();
    const nodes = new Map<number, RawNode>();
    const applied = new Map<number, string[]>();
    for (const id of ids) {
      const s = new MemoryStorage();
      bootstrap(s, ids);
      stores.set(id, s);
      nodes.set(id, new RawNode({ id, electionTick: 10, heartbeatTick: 1, storage: s, preVote: true, checkQuorum: true }));
      applied.set(id, []);
    }
    let queue: Message[] = [];
    const pump = () => {
      for (let round = 0; round < 100; round++) {
        let any = false;
        for (const id of ids) {
          const n = nodes.get(id)!;
          if (!n.hasReady()) continue;
          any = true;
          const rd = n.ready();
          const s = stores.get(id)!;
          if (rd.snapshot) s.applySnapshot(rd.snapshot);
          s.append(rd.entries);
          if (rd.hardState) s.setHardState(rd.hardState);
          queue.push(...rd.messages);
          for (const e of rd.committedEntries) {
            if (e.type === 'confChange') n.applyConfChange(decodeConfChange(e.data));
            else if (e.data.length) applied.get(id)!.push(new TextDecoder().decode(e.data));
          }
          n.advance();
        }
        const q = queue;
        queue = [];
        for (const m of q) nodes.get(m.to)!.step(m);
        if (!any && q.length === 0) return;
      }
    };
    pump();
    for (let t = 0; t < 30; t++) {
      for (const id of ids) nodes.get(id)!.tick();
      pump();
    }
    const leaders = ids.filter((id) => nodes.get(id)!.status().softState.role === 'leader');
    expect(leaders.length).toBe(1);
    nodes.get(2)!.propose(new TextEncoder().encode('a'));
    nodes.get(leaders[0]!)!.propose(new TextEncoder().encode('b'));
    pump();
    for (let t = 0; t < 5; t++) {
      for (const id of ids) nodes.get(id)!.tick();
      pump();
    }
    for (const id of ids) expect(applied.get(id)).toEqual(leaders[0] === 2 ? ['a', 'b'] : ['b', 'a'].sort() && applied.get(1));
    expect(applied.get(1)!.sort()).toEqual(['a', 'b']);
  });
});
