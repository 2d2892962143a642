// What kube-controller-manager and kube-scheduler share on their command lines and in their main
// loop: the --leader-elect* flags, and "do the work only while holding the Lease; when the Lease is
// lost, exit so that a fresh process starts with clean caches" (Kubernetes' components do the same).

import { parseDuration } from './duration.js';
import { FlagError } from './flags.js';
import { LeaderElector, type Lease } from './leader-election.js';
import type { Logger } from './log.js';
import { RESOURCES, type ClientSet } from './types.js';

export interface LeaderElectionFlags {
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  leaseNamespace: string;
  leaseName: string;
}

/** kube-*'s defaults: 15 s / 10 s / 2 s, a Lease in kube-system named after the component. */
export function defaultLeaderElectionFlags(leaseName: string): LeaderElectionFlags {
  return { leaderElect: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, leaseNamespace: 'kube-system', leaseName };
}

export function leaderElectionHelp(leaseName: string): string {
  return `Leader election (on a coordination.k8s.io Lease):
  --leader-elect BOOL                        run only while holding the lease (default true)
  --leader-elect-lease-duration D            (default 15s)
  --leader-elect-renew-deadline D            (default 10s)
  --leader-elect-retry-period D              (default 2s)
  --leader-elect-resource-namespace NS       (default kube-system)
  --leader-elect-resource-name NAME          (default ${leaseName})
`;
}

/**
 * Applies one --leader-elect* flag. `inline` is the value given with "=", `next` takes the next
 * argument. Returns false when `name` is not a leader-election flag.
 */
export function applyLeaderElectionFlag(f: LeaderElectionFlags, name: string, inline: string | undefined, next: () => string): boolean {
  const duration = (): number => {
    const v = inline ?? next();
    const ms = parseDuration(v);
    if (ms === undefined) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`);
    return ms;
  };
  switch (name) {
    case 'leader-elect': {
      // A Go bool flag: "--leader-elect" alone is true; a value needs "=".
      const v = inline ?? 'true';
      if (v !== 'true' && v !== 'false') throw new FlagError(`invalid argument "${v}" for "--leader-elect" flag: want true or false`);
      f.leaderElect = v === 'true';
      return true;
    }
    case 'leader-elect-lease-duration':
      f.leaseDurationMs = duration();
      return true;
    case 'leader-elect-renew-deadline':
      f.renewDeadlineMs = duration();
      return true;
    case 'leader-elect-retry-period':
      f.retryPeriodMs = duration();
      return true;
    case 'leader-elect-resource-namespace':
      f.leaseNamespace = inline ?? next();
      return true;
    case 'leader-elect-resource-name':
      f.leaseName = inline ?? next();
      return true;
    default:
      return false;
  }
}

/** The cross-flag rule client-go enforces. */
export function checkLeaderElectionFlags(f: LeaderElectionFlags): void {
  if (f.leaderElect && f.renewDeadlineMs >= f.leaseDurationMs) throw new FlagError('--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline');
}

export interface LeaderElectedRun {
  cs: ClientSet;
  flags: LeaderElectionFlags;
  log: Logger;
  /** Aborts when the process is asked to stop (SIGTERM): the Lease is then released. */
  shutdown: AbortSignal;
  /** The work, for as long as `signal` is not aborted. */
  lead(signal: AbortSignal): Promise<void>;
  /** Told when leadership starts and ends (for a metrics gauge). */
  onLeading?(leading: boolean): void;
  /**
   * Announces the campaign. The launcher (`cluster status`) finds out which process leads by
   * matching the Lease's holderIdentity with this line in the component's log, so components log
   * it as a structured field.
   */
  announce?(identity: string, lease: string): void;
}

/**
 * Runs `lead` while this process holds the Lease (or at once with --leader-elect=false). Losing the
 * Lease other than by shutting down ends the process with status 1, as kube-* components do.
 */
export async function runLeaderElected(r: LeaderElectedRun): Promise<void> {
  const lead = async (signal: AbortSignal) => {
    r.onLeading?.(true);
    await r.lead(signal);
  };
  if (!r.flags.leaderElect) {
    await lead(r.shutdown);
    return;
  }
  const elector = new LeaderElector({
    leases: r.cs.client<Lease>(RESOURCES.leases),
    namespace: r.flags.leaseNamespace,
    name: r.flags.leaseName,
    leaseDurationMs: r.flags.leaseDurationMs,
    renewDeadlineMs: r.flags.renewDeadlineMs,
    retryPeriodMs: r.flags.retryPeriodMs,
    releaseOnCancel: true,
    log: r.log,
    onStartedLeading: (signal) => lead(signal),
    onStoppedLeading: () => {
      r.onLeading?.(false);
      if (!r.shutdown.aborted) {
        r.log.error('leaderelection lost');
        process.exit(1);
      }
    },
  });
  const lease = `${r.flags.leaseNamespace}/${r.flags.leaseName}`;
  if (r.announce) r.announce(elector.identity, lease);
  else r.log.info(`campaigning for the lease ${lease} as ${elector.identity}`);
  await elector.run(r.shutdown);
}
