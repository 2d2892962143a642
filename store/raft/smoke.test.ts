import { describe, expect, it } from 'vitest';
import { TestMember, utf8 } from './testing/member.js';
import type { Message } from './index.js';

describe('smoke', () => {
  it('3 members elect one leader and commit proposals made anywhere', () => {
    const ids = [1, 2, 3];
    const members = new Map(ids.map((id) => [id, new TestMember(id, { peers: ids }, { preVote: true, checkQuorum: true })]));
    const pump = () => {
      let queue: Message[] = [];
      for (let i = 0; i < 100; i++) {
        for (const m of members.values()) queue.push(...m.drain());
        if (queue.length === 0) return;
        const q = queue;
        queue = [];
        for (const msg of q) members.get(msg.to)!.node.step(msg);
      }
    };
    for (let t = 0; t < 30; t++) {
      for (const m of members.values()) m.node.tick();
      pump();
    }
    const leaders = [...members.values()].filter((m) => m.role() === 'leader');
    expect(leaders.length).toBe(1);
    members.get(2)!.node.propose(utf8('a'));
    pump();
    leaders[0]!.node.propose(utf8('b'));
    pump();
    for (let t = 0; t < 3; t++) {
      for (const m of members.values()) m.node.tick();
      pump();
    }
    for (const m of members.values()) expect(m.applied.map((a) => a.data)).toEqual(['a', 'b']);
  });
});
