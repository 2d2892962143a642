#!/usr/bin/env node
// kubectl-lite: the kubectl commands people type most, against any apiserver that speaks
// Kubernetes' REST API. One module per command under commands/, loaded on demand so that
// `kubectl-lite version` does not pay for the YAML and merge code.

import { parseArgs, UsageError } from './args.js';
import { Ctx } from './context.js';
import { errorLine } from './errors.js';

export type Command = (ctx: Ctx, args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  version: () => import('./commands/version.js'),
  'api-resources': () => import('./commands/api-resources.js'),
  config: () => import('./commands/config.js'),
  get: () => import('./commands/get.js'),
  apply: () => import('./commands/apply.js'),
  create: () => import('./commands/create.js'),
  delete: () => import('./commands/delete.js'),
  scale: () => import('./commands/scale.js'),
  set: () => import('./commands/set-image.js'),
  label: () => import('./commands/label.js'),
  annotate: () => import('./commands/annotate.js'),
  patch: () => import('./commands/patch.js'),
  rollout: () => import('./commands/rollout.js'),
  wait: () => import('./commands/wait.js'),
  describe: () => import('./commands/describe.js'),
  events: () => import('./commands/events.js'),
  cordon: () => import('./commands/cordon.js'),
  uncordon: () => import('./commands/cordon.js'),
  drain: () => import('./commands/drain.js'),
  explain: () => import('./commands/explain.js'),
  edit: () => import('./commands/edit.js'),
};

async function main(argv: string[]): Promise<number> {
  let ctx: Ctx | undefined;
  try {
    const args = parseArgs(argv);
    const [name, ...rest] = args.positional;
    if (!name || args.bool('help')) {
      process.stdout.write(`kubectl-lite controls a Kubernetes cluster.\n\nCommands: ${Object.keys(COMMANDS).join(', ')}\n`);
      return name ? 0 : 1;
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command "${name}" for "kubectl"`);
    ctx = new Ctx(args);
    // cordon and uncordon share a module: the command name tells them apart.
    return await (await load()).run(ctx, name === 'cordon' || name === 'uncordon' ? [name, ...rest] : rest);
  } catch (err) {
    let server: string | undefined;
    try {
      server = ctx?.api.config.server;
    } catch {
      /* no config */
    }
    process.stderr.write(errorLine(err, server) + '\n');
    return 1;
  } finally {
    ctx?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
