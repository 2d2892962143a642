// kubelet-lite's own command line (--kubeconfig and --server belong to client/flags.ts).
// Durations take Go's form ("500ms", "1.5s", "2m") or plain seconds ("1.5").

import { parseDuration as parseGoDuration } from '../client/duration.js';
import { FlagError } from '../client/flags.js';
import { DEFAULT_KUBELET_OPTIONS, type KubeletOptions } from './kubelet.js';
import { parseLabels, parseTaints, quantityBytes } from './node-status.js';

export const HELP = `kubelet-lite: simulated Kubernetes nodes (many per process)

Registers Node objects, renews a Lease per node in kube-node-lease every 10 s, posts node status,
and runs the pods bound to its nodes through a simulated lifecycle (ContainerCreating → Running →
Ready; finite runs, restarts with CrashLoopBackOff, graceful deletion ending with the final DELETE).

Usage: kubelet-lite [--kubeconfig FILE | --server URL] [flags]

Nodes:
  --nodes N                 number of nodes (default 3)
  --node-prefix P           node names P-1, P-2, … (default "node")
  --first-index I           index of the first node; names and addresses derive from it (default 1).
                            Node i: InternalIP 172.18.0.1+i, podCIDR 10.244.i.0/24
  --cpu Q                   CPU capacity per node (default 4)
  --memory Q                memory capacity per node (default 8Gi)
  --ephemeral-storage Q     disk capacity per node (default 100Gi)
  --max-pods N              pod capacity per node (default 110)
  --node-labels k=v,…       extra labels on every node
  --node-taints k=v:Effect,…  taints every node registers with (NoSchedule, PreferNoSchedule, NoExecute)
  --arch A                  kubernetes.io/arch and nodeInfo.architecture (default: this machine's)
  --kubelet-version V       nodeInfo.kubeletVersion (default v1.32.0)

Pods (defaults; per pod: annotations kubelet-lite.kube-lite.io/start-delay, ready-delay,
run-seconds, exit-code, stop-seconds, in seconds):
  --start-delay D           first sight → containers running (default 1s)
  --ready-delay D           container start → ready (default 1s)
  --stop-delay D            time a container takes to stop on SIGTERM (default 1s)
  --completion-run D        how long containers of OnFailure/Never pods (Jobs) run, then exit 0,
                            unless annotated (default 5s)
  --backoff-base D          crash-loop back-off start (default 10s, doubling)
  --backoff-max D           crash-loop back-off cap (default 5m)

Heartbeats:
  --lease-interval D        Lease renewal period (default 10s)
  --status-interval D       Node status post period (default 1m)

Faults (a failed node stops renewing its Lease, posting status and writing pods):
  --fail-after D            fail the first healthy node D after start
  --recover-after D         recover failed nodes D after they failed (with --fail-after)
  SIGUSR1                   fail the first healthy node
  SIGUSR2                   recover every failed node

Serving:
  --port N                  /healthz and /metrics on this port (default 10248; 0 = off)
  -h, --help                this text
`;

export interface CliOptions {
  kubelet: KubeletOptions;
  port: number;
  failAfterMs: number | undefined;
  recoverAfterMs: number | undefined;
  help: boolean;
}

/** "500ms", "1.5s", "2m", "1h", "1m30s" (Go's form) or plain seconds, in milliseconds. */
export function parseDuration(s: string): number {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const ms = parseGoDuration(t);
  if (ms === undefined || t === '') throw new FlagError(`invalid duration "${s}"`);
  return Math.round(ms);
}

function goArch(arch: string): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

export function parseFlags(argv: readonly string[]): CliOptions {
  const k: KubeletOptions = { ...DEFAULT_KUBELET_OPTIONS, arch: goArch(process.arch), timing: { ...DEFAULT_KUBELET_OPTIONS.timing }, intervals: { ...DEFAULT_KUBELET_OPTIONS.intervals } };
  const out: CliOptions = { kubelet: k, port: 10248, failAfterMs: undefined, recoverAfterMs: undefined, help: false };
  const int = (name: string, v: string, min: number): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new FlagError(`invalid argument "${v}" for "${name}": want an integer ≥ ${min}`);
    return Number(v);
  };
  const quantity = (name: string, v: string): string => {
    try {
      quantityBytes(v);
    } catch {
      throw new FlagError(`invalid argument "${v}" for "${name}": not a quantity`);
    }
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const v = argv[++i];
      if (v === undefined) throw new FlagError(`flag needs an argument: ${name}`);
      value = v;
    }
    try {
      switch (name) {
        case '--nodes': k.nodes = int(name, value, 1); break;
        case '--node-prefix':
          if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) throw new FlagError(`invalid argument "${value}" for "--node-prefix": not a DNS name`);
          k.nodePrefix = value;
          break;
        case '--first-index': k.firstIndex = int(name, value, 1); break;
        case '--cpu':
          if (!/^\d+(\.\d+)?m?$/.test(value)) throw new FlagError(`invalid argument "${value}" for "--cpu": not a CPU quantity`);
          k.cpu = value;
          break;
        case '--memory': k.memory = quantity(name, value); break;
        case '--ephemeral-storage': k.ephemeralStorage = quantity(name, value); break;
        case '--max-pods': k.maxPods = int(name, value, 1); break;
        case '--node-labels': k.labels = parseLabels(value); break;
        case '--node-taints': k.taints = parseTaints(value); break;
        case '--arch': k.arch = value; break;
        case '--kubelet-version': k.kubeletVersion = value; break;
        case '--start-delay': k.timing.startDelayMs = parseDuration(value); break;
        case '--ready-delay': k.timing.readyDelayMs = parseDuration(value); break;
        case '--stop-delay': k.timing.stopMs = parseDuration(value); break;
        case '--completion-run': k.timing.completionRunMs = parseDuration(value); break;
        case '--backoff-base': k.timing.backoffBaseMs = parseDuration(value); break;
        case '--backoff-max': k.timing.backoffMaxMs = parseDuration(value); break;
        case '--lease-interval': k.intervals.leaseMs = parseDuration(value); break;
        case '--status-interval': k.intervals.statusMs = parseDuration(value); break;
        case '--fail-after': out.failAfterMs = parseDuration(value); break;
        case '--recover-after': out.recoverAfterMs = parseDuration(value); break;
        case '--port': out.port = int(name, value, 0); break;
        default: throw new FlagError(`unknown flag: ${name}`);
      }
    } catch (e) {
      if (e instanceof FlagError) throw e;
      throw new FlagError(e instanceof Error ? e.message : String(e));
    }
  }
  if (k.firstIndex + k.nodes - 1 > 65_000) throw new FlagError('too many nodes for the address scheme');
  return out;
}
