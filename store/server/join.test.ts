import { describe, expect, it } from 'vitest';
import { parseInitialCluster } from './identity.js';
import { findSelf, parseMembersInfo } from './join.js';
import type { PeerMembersInfo } from './transport/index.js';

const info: PeerMembersInfo = {
  clusterId: '255',
  members: [
    { id: 'a1', name: 'm1', peerURLs: ['http://h:1'], clientURLs: ['http://h:11'], isLearner: false },
    { id: 'b2', name: '', peerURLs: ['http://h:3', 'http://h:2'], clientURLs: [], isLearner: true },
  ],
};

describe('joining: finding this member in the cluster it joins', () => {
  it('matches by peer URLs, in any order, once --initial-cluster lists exactly the members', () => {
    const me = findSelf(info, parseInitialCluster('new=http://h:2,new=http://h:3,m1=http://h:1'), ['http://h:2', 'http://h:3']);
    expect(me.id).toBe('b2');
  });

  it('refuses a member that was not added (one member too many), or a wrong URL, in one line', () => {
    const notAdded = () => findSelf(info, parseInitialCluster('m1=http://h:1,b=http://h:2,b=http://h:3,c=http://h:4'), ['http://h:4']);
    expect(notAdded).toThrow(/^error validating peerURLs \{ClusterID:ff PeerURLs:\[.*\]\}: member count is unequal$/);
    const wrong = () => findSelf(info, parseInitialCluster('m1=http://h:1,b=http://h:9'), ['http://h:9']);
    expect(wrong).toThrow(/unmatched member while checking PeerURLs/);
    expect(wrong).not.toThrow(/\n/);
  });

  it('refuses a member table that is not one', () => {
    expect(() => parseMembersInfo('{"clusterId":1,"members":[]}')).toThrow('malformed member table');
    expect(() => parseMembersInfo('{"clusterId":"1","members":[{"id":"a"}]}')).toThrow('malformed member table');
    expect(parseMembersInfo(JSON.stringify(info))).toEqual(info);
  });
});
