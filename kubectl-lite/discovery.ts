// Which resource a word on the command line means. kubectl reads the aggregated discovery documents
// (/api and /apis as APIGroupDiscoveryList) and accepts the plural ("pods"), the singular ("pod"),
// a short name ("po"), the kind ("Pod"), and any of those qualified by group ("deployments.apps")
// or by version and group ("deployments.v1.apps"). The group's first version is its preferred one.

import type { RestTransport } from '../client/rest.js';
import { UsageError } from './args.js';

export interface ApiResource {
  group: string;
  version: string;
  /** The plural used in URLs. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  /** Whether this version is the group's preferred one. */
  preferred: boolean;
}

interface DiscoveryList {
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: { resource: string; singularResource?: string; scope?: string; shortNames?: string[]; verbs?: string[]; categories?: string[]; responseKind?: { kind?: string } }[];
    }[];
  }[];
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Every resource of the aggregated discovery documents (preferred versions first within a group). */
export function flattenDiscovery(lists: DiscoveryList[]): ApiResource[] {
  const out: ApiResource[] = [];
  for (const list of lists) {
    for (const g of list.items ?? []) {
      const group = g.metadata?.name ?? '';
      (g.versions ?? []).forEach((v, i) => {
        for (const r of v.resources ?? []) {
          out.push({
            group,
            version: v.version,
            resource: r.resource,
            singular: r.singularResource ?? r.resource.replace(/s$/, ''),
            kind: r.responseKind?.kind ?? '',
            namespaced: r.scope === 'Namespaced',
            shortNames: r.shortNames ?? [],
            verbs: r.verbs ?? [],
            categories: r.categories ?? [],
            preferred: i === 0,
          });
        }
      });
    }
  }
  return out;
}

export async function discover(api: RestTransport): Promise<ApiResource[]> {
  const [core, groups] = await Promise.all([api.request<DiscoveryList>('GET', '/api', { accept: AGGREGATED }), api.request<DiscoveryList>('GET', '/apis', { accept: AGGREGATED })]);
  return flattenDiscovery([core, groups]);
}

/** The resource a command-line word names, or a UsageError worded as kubectl's. */
export function resolveResource(all: readonly ApiResource[], word: string): ApiResource {
  const found = findResource(all, word);
  if (!found) throw new UsageError(`the server doesn't have a resource type "${word}"`);
  return found;
}

export function findResource(all: readonly ApiResource[], word: string): ApiResource | undefined {
  const [name, ...qual] = word.split('.');
  const lower = name!.toLowerCase();
  let version: string | undefined;
  let group: string | undefined;
  if (qual.length > 0) {
    // "deployments.v1.apps" or "deployments.apps" / "ingresses.networking.k8s.io".
    if (/^v\d+((alpha|beta)\d+)?$/.test(qual[0]!)) {
      version = qual[0];
      group = qual.slice(1).join('.');
    } else group = qual.join('.');
  }
  const matches = all.filter((r) => {
    if (group !== undefined && r.group !== group) return false;
    if (version !== undefined && r.version !== version) return false;
    if (version === undefined && !r.preferred) return false;
    return r.resource === lower || r.singular === lower || r.shortNames.includes(lower) || r.kind.toLowerCase() === lower;
  });
  // Ambiguity (a kind in two groups) resolves to the core group first, then the first listed, as
  // kubectl's priority RESTMapper does for the built-in groups.
  return matches.find((r) => r.group === '') ?? matches[0];
}

/** kubectl's `kind.group` as in `deployment.apps/web` and `pod/x`. */
export function kindGroup(r: Pick<ApiResource, 'kind' | 'group'>): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

/** `deployments.apps` as in `deployments.apps "web" not found`. */
export function resourceGroup(r: Pick<ApiResource, 'resource' | 'group'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** The URL of a collection, or of one object (with an optional subresource). */
export function resourcePath(r: Pick<ApiResource, 'group' | 'version' | 'resource' | 'namespaced'>, namespace: string | undefined, name?: string, sub?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  let p = `${base}${ns}/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}

/** The resource for an object read from a manifest (apiVersion + kind). */
export function resourceForObject(all: readonly ApiResource[], apiVersion: string, kind: string): ApiResource | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return all.find((r) => r.group === group && r.version === version && r.kind === kind);
}
