import { describe, expect, it } from 'vitest';
import { parseDuration, parseFlags } from './flags.js';

describe('parseDuration', () => {
  it.each([
    ['1', 1000], ['1.5', 1500], ['500ms', 500], ['2s', 2000], ['1m30s', 90_000], ['5m', 300_000], ['1h', 3_600_000],
  ])('%s = %i ms', (s, ms) => expect(parseDuration(s)).toBe(ms));
  it.each(['', 'soon', '1x', '-1s'])('refuses %j', (s) => expect(() => parseDuration(s)).toThrow('invalid duration'));
});

describe('parseFlags', () => {
  it('has the defaults', () => {
    const o = parseFlags([]);
    expect(o.kubelet).toMatchObject({ nodes: 3, nodePrefix: 'node', firstIndex: 1, cpu: '4', memory: '8Gi', maxPods: 110, labels: {}, taints: [] });
    expect(o.kubelet.timing).toMatchObject({ startDelayMs: 1000, readyDelayMs: 1000, stopMs: 1000, backoffBaseMs: 10_000, backoffMaxMs: 300_000 });
    expect(o.kubelet.intervals).toEqual({ leaseMs: 10_000, statusMs: 60_000 });
    expect(o.port).toBe(10248);
    expect(o.failAfterMs).toBeUndefined();
  });

  it('reads every flag, in both spellings', () => {
    const o = parseFlags([
      '--nodes', '5', '--node-prefix=worker', '--cpu', '8', '--memory=16Gi', '--max-pods', '20',
      '--node-labels', 'zone=a,tier=db', '--node-taints=gpu=yes:NoSchedule', '--start-delay', '200ms', '--ready-delay=2',
      '--fail-after', '30s', '--recover-after', '1m', '--port', '0', '--first-index', '4', '--status-interval', '20s',
    ]);
    expect(o.kubelet).toMatchObject({ nodes: 5, nodePrefix: 'worker', cpu: '8', memory: '16Gi', maxPods: 20, labels: { zone: 'a', tier: 'db' }, taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }], firstIndex: 4 });
    expect(o.kubelet.timing).toMatchObject({ startDelayMs: 200, readyDelayMs: 2000 });
    expect(o.kubelet.intervals.statusMs).toBe(20_000);
    expect(o).toMatchObject({ failAfterMs: 30_000, recoverAfterMs: 60_000, port: 0 });
  });

  it.each([
    [['--nodes', '0'], 'invalid argument "0" for "--nodes"'],
    [['--memory', 'lots'], 'not a quantity'],
    [['--node-taints', 'a=b'], 'invalid taint'],
    [['--bogus', '1'], 'unknown flag: --bogus'],
    [['--nodes'], 'flag needs an argument: --nodes'],
    [['--node-prefix', 'Bad_Name'], 'not a DNS name'],
  ])('%j fails with %s', (argv, msg) => expect(() => parseFlags(argv)).toThrow(msg));
});
