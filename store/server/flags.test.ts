import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from './flags.js';

describe('store-server flags (etcd names and defaults)', () => {
  it('defaults match etcd', () => {
    const f = parseFlags([]);
    expect(f).toMatchObject({
      name: 'default',
      dataDir: 'default.etcd',
      listenClientUrls: ['http://localhost:2379'],
      initialCluster: 'default=http://localhost:2380',
      initialClusterState: 'new',
      initialClusterToken: 'etcd-cluster',
      heartbeatInterval: 100,
      electionTimeout: 1000,
      snapshotCount: 100000,
      maxRequestBytes: 1572864,
      maxTxnOps: 128,
      autoCompactionMode: 'periodic',
      autoCompactionRetention: '0',
      experimentalSnapshotCatchupEntries: 5000,
    });
  });

  it('auto compaction: hours or a Go duration (periodic), revisions (revision)', () => {
    expect(parseFlags(['--auto-compaction-retention=5s']).autoCompactionRetention).toBe('5s');
    expect(parseFlags(['--auto-compaction-mode', 'revision', '--auto-compaction-retention', '1000']).autoCompactionMode).toBe('revision');
    expect(parseFlags([], { ETCD_AUTO_COMPACTION_RETENTION: '1h' }).autoCompactionRetention).toBe('1h');
  });

  it('accepts --flag=value, --flag value, single dashes, booleans and ETCD_ variables; the command line wins', () => {
    const f = parseFlags(
      ['--name=infra1', '--data-dir', '/tmp/x', '-listen-client-urls=http://127.0.0.1:1,http://127.0.0.1:2', '--strict-reconfig-check', '--snapshot-count', '5'],
      { ETCD_NAME: 'ignored', ETCD_INITIAL_CLUSTER_TOKEN: 'tok' },
    );
    expect(f.name).toBe('infra1');
    expect(f.dataDir).toBe('/tmp/x');
    expect(f.listenClientUrls).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    expect(f.strictReconfigCheck).toBe(true);
    expect(f.snapshotCount).toBe(5);
    expect(f.initialClusterToken).toBe('tok');
  });

  const bad: [string[], RegExp][] = [
    [['--nope'], /unknown flag --nope/],
    [['--heartbeat-interval=abc'], /not a non-negative integer/],
    [['--listen-client-urls=ftp://x'], /scheme must be http/],
    [['--initial-cluster-state=old'], /want 'new' or 'existing'/],
    [['--election-timeout=200'], /at least as 5 times/],
    [['--name'], /needs a value/],
    // etcd 3.4 exits with these very words (etcdmain: error parsing CompactionRetention: ...).
    [['--auto-compaction-retention=abc'], /^error parsing CompactionRetention: time: invalid duration "abc"$/],
    [['--auto-compaction-retention=1.5'], /^error parsing CompactionRetention: time: missing unit in duration "1.5"$/],
    [['--auto-compaction-mode=revision', '--auto-compaction-retention=-1'], /^error parsing CompactionRetention: time: missing unit in duration "-1"$/],
  ];
  for (const [argv, msg] of bad) {
    it(`refuses ${argv.join(' ')} with one clear line`, () => {
      expect(() => parseFlags(argv)).toThrow(FlagError);
      expect(() => parseFlags(argv)).toThrow(msg);
    });
  }
});
