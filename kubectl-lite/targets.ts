// The objects a command's arguments name, in kubectl's three spellings:
//   TYPE                 every object of the type          get pods
//   TYPE NAME [NAME...]  those objects                     get deploy web api
//   TYPE/NAME ...        any mix of types                  get deploy/web pod/x
// and TYPE may be a comma-separated list (get pods,services).

import { UsageError } from './args.js';

export interface TargetGroup {
  /** The word as typed (resolved against discovery later). */
  type: string;
  /** Empty: every object of the type. */
  names: string[];
}

export function parseTargets(positional: readonly string[]): TargetGroup[] {
  if (positional.length === 0) return [];
  if (positional.some((p) => p.includes('/'))) {
    const groups: TargetGroup[] = [];
    for (const p of positional) {
      const slash = p.indexOf('/');
      if (slash <= 0 || slash === p.length - 1) throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`);
      const type = p.slice(0, slash);
      const name = p.slice(slash + 1);
      const last = groups[groups.length - 1];
      if (last && last.type === type) last.names.push(name);
      else groups.push({ type, names: [name] });
    }
    return groups;
  }
  const [types, ...names] = positional;
  const list = types!.split(',').filter((t) => t !== '');
  if (names.length > 0 && list.length > 1) throw new UsageError('you must specify only one resource type when naming objects (or use TYPE/NAME)');
  return list.map((type) => ({ type, names: [...names] }));
}
