// Members in one process, their Raft messages delivered asynchronously through a shared switch.
// Like the peer transport, a member refuses messages from members it removed, and the sender
// learns from that refusal that it was removed (the transport's 410).

import type { Message } from '../../raft/index.js';
import type { Member, MemberTransport } from '../member.js';

export class Switchboard {
  members = new Map<number, Member>();
  down = new Set<number>();
  /** Per member (raft id): the members it removed. */
  private readonly removed = new Map<number, Set<number>>();

  transportFor(self: () => Member): MemberTransport {
    const removedBy = (id: number): Set<number> => {
      let s = this.removed.get(id);
      if (!s) this.removed.set(id, (s = new Set()));
      return s;
    };
    return {
      send: (msgs: Message[]) => {
        for (const m of msgs) {
          setImmediate(() => {
            const to = this.members.get(m.to);
            if (!to || this.down.has(m.to) || this.down.has(self().raftId)) return;
            if (removedBy(m.to).has(m.from)) {
              self().learnRemoved();
              return;
            }
            to.receive([m]);
          });
        }
      },
      addPeer: () => {},
      removePeer: (id) => removedBy(self().raftId).add(id),
      // Every live member counts as connected since long ago.
      activeSince: (id) => (this.members.has(id) && !this.down.has(id) ? 0 : undefined),
    };
  }
}
