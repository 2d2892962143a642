import { describe, expect, it } from 'vitest';
import { parseDuration, parseSchedulerFlags } from './flags.js';

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['2h', 7_200_000],
    ['0', 0],
    ['15', undefined],
    ['s', undefined],
    ['1x', undefined],
    ['', undefined],
  ])('%s → %s', (s, want) => {
    expect(parseDuration(s)).toBe(want);
  });
});

describe('scheduler flags', () => {
  it('defaults like kube-scheduler', () => {
    expect(parseSchedulerFlags([])).toMatchObject({ leaderElect: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, leaseNamespace: 'kube-system', leaseName: 'kube-scheduler', port: 10259 });
  });

  it.each<[string[], object]>([
    [['--leader-elect=false'], { leaderElect: false }],
    [['--leader-elect'], { leaderElect: true }],
    [['--leader-elect-lease-duration', '30s', '--leader-elect-renew-deadline=20s', '--leader-elect-retry-period', '5s'], { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 5_000 }],
    [['--port', '0'], { port: 0 }],
    [['--secure-port=12345'], { port: 12345 }],
    [['--pod-max-in-unschedulable-pods-duration=5m', '--pod-initial-backoff-seconds=2', '--pod-max-backoff-seconds', '20'], { podMaxInUnschedulableMs: 300_000, podInitialBackoffMs: 2_000, podMaxBackoffMs: 20_000 }],
  ])('%o', (argv, want) => {
    expect(parseSchedulerFlags(argv)).toMatchObject(want);
  });

  it.each<[string[], string]>([
    [['--leader-elect=maybe'], 'invalid argument "maybe" for "--leader-elect" flag: want true or false'],
    [['--leader-elect-lease-duration', '15'], 'invalid argument "15" for "--leader-elect-lease-duration" flag: time: invalid duration "15"'],
    [['--leader-elect-lease-duration=5s'], '--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline'],
    [['--port', 'x'], 'invalid argument "x" for "--port" flag: want an integer in [0, 65535]'],
    [['--nope'], 'unknown flag: --nope'],
    [['stray'], 'unexpected argument "stray"'],
    [['--log-level'], 'flag needs an argument: --log-level'],
  ])('%o fails', (argv, message) => {
    expect(() => parseSchedulerFlags(argv)).toThrow(message);
  });
});
