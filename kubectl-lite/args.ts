// kubectl's command line, the cobra/pflag way: flags may come anywhere among the arguments, as
// `--flag value`, `--flag=value`, `-n value`, `-nvalue` or `-n=value`; booleans take no value unless
// written `--flag=false`; `--` ends the flags. One table of flags serves every command, so a flag
// means the same thing wherever it appears (as it does in kubectl).

export type FlagType = 'string' | 'bool';

export interface FlagDef {
  type: FlagType;
  short?: string;
}

export const FLAGS: Record<string, FlagDef> = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  server: { type: 'string', short: 's' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'bool', short: 'A' },
  output: { type: 'string', short: 'o' },
  selector: { type: 'string', short: 'l' },
  'field-selector': { type: 'string' },
  'show-labels': { type: 'bool' },
  watch: { type: 'bool', short: 'w' },
  'watch-only': { type: 'bool' },
  filename: { type: 'string', short: 'f' },
  recursive: { type: 'bool', short: 'R' },
  'server-side': { type: 'bool' },
  'force-conflicts': { type: 'bool' },
  'field-manager': { type: 'string' },
  'dry-run': { type: 'string' },
  all: { type: 'bool' },
  cascade: { type: 'string' },
  wait: { type: 'bool' },
  timeout: { type: 'string' },
  'grace-period': { type: 'string' },
  force: { type: 'bool' },
  replicas: { type: 'string' },
  overwrite: { type: 'bool' },
  type: { type: 'string' },
  patch: { type: 'string', short: 'p' },
  'to-revision': { type: 'string' },
  revision: { type: 'string' },
  for: { type: 'string' },
  'ignore-daemonsets': { type: 'bool' },
  'delete-emptydir-data': { type: 'bool' },
  'ignore-not-found': { type: 'bool' },
  'api-version': { type: 'string' },
  minify: { type: 'bool' },
  raw: { type: 'bool' },
  'no-headers': { type: 'bool' },
  client: { type: 'bool' },
  image: { type: 'string' },
  namespaced: { type: 'string' },
  help: { type: 'bool', short: 'h' },
};

/** A bad command line; main prints it as `error: <message>` and exits 1, as kubectl does. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export class Args {
  constructor(
    readonly positional: string[],
    private readonly values: Map<string, string[]>,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The last value given (kubectl: the last one wins). */
  str(name: string): string | undefined {
    const v = this.values.get(name);
    return v?.[v.length - 1];
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  bool(name: string, dflt = false): boolean {
    const v = this.str(name);
    if (v === undefined) return dflt;
    return v !== 'false';
  }
}

export function parseArgs(argv: readonly string[], flags: Record<string, FlagDef> = FLAGS): Args {
  const byShort = new Map<string, string>();
  for (const [name, def] of Object.entries(flags)) if (def.short) byShort.set(def.short, name);
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const put = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    // A lone "-" is a positional (stdin for -f, where it arrives as the flag's value).
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq > 0 ? arg.slice(eq + 1) : undefined;
      if (!flags[name]) throw new UsageError(`unknown flag: --${name}`);
    } else {
      const short = arg[1]!;
      const long = byShort.get(short);
      if (!long) throw new UsageError(`unknown shorthand flag: '${short}' in ${arg}`);
      name = long;
      const rest = arg.slice(2);
      if (rest) inline = rest.startsWith('=') ? rest.slice(1) : rest;
    }
    const def = flags[name]!;
    if (def.type === 'bool') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new UsageError(`invalid argument "${inline}" for "--${name}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`);
      put(name, inline ?? 'true');
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`flag needs an argument: --${name}`);
      inline = next;
      i++;
    }
    put(name, inline);
  }
  return new Args(positional, values);
}
