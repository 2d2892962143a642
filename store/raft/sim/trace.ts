// One-line descriptions of messages and configurations for the simulator's trace (RAFT_SIM_TRACE=1).

import type { ConfChange, ConfState, Message } from '../types.js';

export function describeMessage(m: Message): string {
  let s = `${m.type} ${m.from}->${m.to} t${m.term}`;
  if (m.type === 'MsgApp') s += ` prev(${m.index},${m.logTerm}) n=${m.entries.length} commit=${m.commit}`;
  else if (m.type === 'MsgAppResp') s += m.reject ? ` reject ${m.index} hint(${m.rejectHint},${m.logTerm})` : ` ${m.index}`;
  else if (m.type === 'MsgVote' || m.type === 'MsgPreVote') s += ` last(${m.index},${m.logTerm})`;
  else if (m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp') s += m.reject ? ' rejected' : ' granted';
  else if (m.type === 'MsgHeartbeat') s += ` commit=${m.commit}`;
  else if (m.type === 'MsgSnap' && m.snapshot) s += ` snap(${m.snapshot.metadata.index},${m.snapshot.metadata.term})`;
  else if (m.type === 'MsgProp') s += ` n=${m.entries.length}`;
  return s;
}

export function describeConfChange(cc: ConfChange): string {
  if (cc.changes.length === 0) return 'leave-joint';
  return `${cc.transition}[${cc.changes.map((c) => `${c.type} ${c.nodeId}`).join(', ')}]`;
}

export function describeConf(cs: ConfState): string {
  return (
    `voters ${cs.voters.join(',')}` +
    (cs.votersOutgoing.length > 0 ? ` && ${cs.votersOutgoing.join(',')}` : '') +
    (cs.learners.length > 0 ? ` learners ${cs.learners.join(',')}` : '') +
    (cs.learnersNext.length > 0 ? ` learnersNext ${cs.learnersNext.join(',')}` : '')
  );
}
