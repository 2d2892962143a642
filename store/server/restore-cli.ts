// `store-server snapshot restore FILE [flags]`: etcdutl's command and flag names, so a restore
// script written for etcd works by changing the program name. Everything is checked (the file,
// the flags, the data dir) before anything is written.

import { planFromFile, RestoreError, writeDataDir, type RestoreOptions } from './restore.js';

const USAGE = `Usage: store-server snapshot restore FILE [flags]

Restore a snapshot file (from etcdctl snapshot save) into a new data dir for one member of a new cluster.
  --name <value>                         this member's name (default "default")
  --data-dir <value>                     where to write it; must not exist or be empty (default "<name>.etcd")
  --initial-cluster <value>              name=url,... of the new cluster (default "<name>=http://localhost:2380")
  --initial-advertise-peer-urls <value>  this member's peer URLs (default "http://localhost:2380")
  --initial-cluster-token <value>        the new cluster's token (default "etcd-cluster")`;

const FLAGS = ['name', 'data-dir', 'initial-cluster', 'initial-advertise-peer-urls', 'initial-cluster-token'] as const;
type Flag = (typeof FLAGS)[number];

interface RestoreArgs extends RestoreOptions {
  file: string;
  dataDir: string;
}

/** Parse what follows `snapshot restore`; throws RestoreError with a one-line message. */
export function parseRestoreArgs(argv: readonly string[]): RestoreArgs {
  const values = new Map<Flag, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = (eq >= 0 ? body.slice(0, eq) : body) as Flag;
    if (!FLAGS.includes(name)) throw new RestoreError(`unknown flag --${name} for snapshot restore (see --help)`);
    if (eq < 0 && i + 1 >= argv.length) throw new RestoreError(`flag --${name} needs a value`);
    values.set(name, eq >= 0 ? body.slice(eq + 1) : argv[++i]!);
  }
  if (positional.length !== 1) throw new RestoreError(`snapshot restore takes exactly one snapshot file, got ${positional.length}`);
  const name = values.get('name') ?? 'default';
  return {
    file: positional[0]!,
    name,
    dataDir: values.get('data-dir') ?? `${name}.etcd`,
    initialCluster: values.get('initial-cluster') ?? `${name}=http://localhost:2380`,
    advertisePeerUrls: (values.get('initial-advertise-peer-urls') ?? 'http://localhost:2380').split(',').map((u) => u.trim()).filter(Boolean),
    initialClusterToken: values.get('initial-cluster-token') ?? 'etcd-cluster',
  };
}

/** Run `snapshot <sub> ...`; returns the exit code. Messages go to stdout (success) or stderr (one line). */
export async function runSnapshotCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] !== 'restore') {
    process.stderr.write(`store-server: unknown snapshot command ${JSON.stringify(argv[0] ?? '')}: only "snapshot restore" is offered (save with etcdctl snapshot save)\n`);
    return 2;
  }
  try {
    const args = parseRestoreArgs(argv.slice(1));
    const plan = planFromFile(args.file, args);
    await writeDataDir(args.dataDir, plan);
    const members = plan.members.map((m) => `${m.name}=${m.id.toString(16)}`).join(',');
    process.stdout.write(
      `restored snapshot ${args.file} into ${args.dataDir}: revision ${plan.revision} (compacted ${plan.compactRevision}), ${plan.keys} keys, ${plan.leases} leases; ` +
        `member ${plan.identity.name} (${plan.identity.memberId}) of new cluster ${plan.identity.clusterId} with members ${members}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof RestoreError)) throw e;
    process.stderr.write(`store-server: snapshot restore: ${e.message}\n`);
    return 1;
  }
}
