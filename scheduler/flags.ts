// The scheduler's own command line, named as kube-scheduler names the same things
// (--kubeconfig and --server belong to client/flags.ts). Durations take Go's form ("15s", "1m30s",
// "500ms") as kube-scheduler's flags do.

import { parseDuration } from '../client/duration.js';
import { FlagError } from '../client/flags.js';
import { applyLeaderElectionFlag, checkLeaderElectionFlags, defaultLeaderElectionFlags, leaderElectionHelp, type LeaderElectionFlags } from '../client/leader-election-flags.js';

export { parseDuration };

export interface SchedulerFlags extends LeaderElectionFlags {
  bindAddress: string;
  /** /healthz and /metrics; 0 turns the server off. */
  port: number;
  logLevel: string;
  /** A parked pod is retried after this long without a cluster change. */
  podMaxInUnschedulableMs: number;
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
}

export const HELP = `scheduler: assigns pending pods to nodes (filter, score, bind through pods/binding)

Usage: scheduler [--kubeconfig FILE | --server URL] [flags]

${leaderElectionHelp('kube-scheduler')}
Queue:
  --pod-max-in-unschedulable-pods-duration D retry unschedulable pods after this long even if
                                             nothing changed (default 60s)
  --pod-initial-backoff-seconds N            (default 1)
  --pod-max-backoff-seconds N                (default 10)

Serving and logs:
  --bind-address ADDR                        (default 127.0.0.1)
  --port N                                   /healthz and /metrics over HTTP (default 10259; 0 = off)
  --log-level LEVEL                          pino level (default info)
  -h, --help                                 this text
`;

export function parseSchedulerFlags(argv: readonly string[]): SchedulerFlags {
  const f: SchedulerFlags = {
    ...defaultLeaderElectionFlags('kube-scheduler'),
    bindAddress: '127.0.0.1',
    port: 10259,
    logLevel: 'info',
    podMaxInUnschedulableMs: 60_000,
    podInitialBackoffMs: 1_000,
    podMaxBackoffMs: 10_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new FlagError(`flag needs an argument: --${name}`);
      return v;
    };
    const duration = (): number => {
      const v = value();
      const ms = parseDuration(v);
      if (ms === undefined) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`);
      return ms;
    };
    const int = (min: number, max: number): number => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: want an integer in [${min}, ${max}]`);
      return n;
    };
    if (applyLeaderElectionFlag(f, name, inline, value)) continue;
    switch (name) {
      case 'bind-address':
        f.bindAddress = value();
        break;
      case 'port':
      case 'secure-port':
        f.port = int(0, 65535);
        break;
      case 'log-level':
        f.logLevel = value();
        break;
      case 'pod-max-in-unschedulable-pods-duration':
        f.podMaxInUnschedulableMs = duration();
        break;
      case 'pod-initial-backoff-seconds':
        f.podInitialBackoffMs = int(1, 3600) * 1000;
        break;
      case 'pod-max-backoff-seconds':
        f.podMaxBackoffMs = int(1, 3600) * 1000;
        break;
      default:
        throw new FlagError(`unknown flag: --${name}`);
    }
  }
  checkLeaderElectionFlags(f);
  if (f.podMaxBackoffMs < f.podInitialBackoffMs) throw new FlagError('--pod-max-backoff-seconds must not be less than --pod-initial-backoff-seconds');
  return f;
}
