#!/usr/bin/env node
// cluster: the launcher. Starts, watches and stops a whole local kube-lite cluster, one OS
// process per component (see USAGE in flags.ts and the port plan in ports.ts).
//
//   cluster up                  3 store members, apiserver, controller-manager, scheduler, 3 nodes
//   cluster status -o json
//   cluster down --purge

import { down, kill, start, status } from './commands.js';
import { CliError } from './errors.js';
import { parseArgs, USAGE } from './flags.js';
import { restore } from './restore.js';
import { snapshotSave } from './snapshot.js';
import { up } from './up.js';

async function main(): Promise<void> {
  const cmd = parseArgs(process.argv.slice(2));
  switch (cmd.command) {
    case 'help':
      process.stdout.write(USAGE);
      return;
    case 'up':
      return up(cmd.up);
    case 'status':
      return status(cmd.dataDir, cmd.output);
    case 'kill':
      return kill(cmd.dataDir, cmd.args[0]!);
    case 'start':
      return start(cmd.dataDir, cmd.args[0]!);
    case 'snapshot':
      return snapshotSave(cmd.dataDir, cmd.args[1]!);
    case 'restore':
      return restore(cmd.dataDir, cmd.args[0]!);
    case 'down':
      return down(cmd.dataDir, cmd.purge);
  }
}

main().catch((e: unknown) => {
  if (e instanceof CliError) {
    process.stderr.write(`cluster: ${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`cluster: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
