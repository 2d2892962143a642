// Discovery: how clients learn what this server serves before they ask for it. kubectl maps a word
// such as "deploy" to apps/v1 deployments from these documents alone.
//
//   legacy      /api (APIVersions), /apis (APIGroupList), /apis/<g> (APIGroup),
//               /api/v1 and /apis/<g>/<v> (APIResourceList)
//   aggregated  /api and /apis answered as one APIGroupDiscoveryList (apidiscovery.k8s.io/v2) when
//               the Accept header asks for it, which kubectl 1.32 does: one request instead of one
//               per group-version.
// Both are built from the strategies, so a kind appears in discovery exactly when it is served.

import { groupVersion, type ResourceStrategy } from '../resources/strategy.js';
import { parseMediaTypes } from '../http/negotiate.js';

const MAIN_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Subresource {
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** The subresources a kind has, with the kind each one speaks. */
export function subresourcesOf(s: ResourceStrategy): Subresource[] {
  const out: Subresource[] = [];
  const own = { group: s.group, version: s.version, kind: s.kind };
  if (s.subresources.status) out.push({ name: 'status', ...own, verbs: ['get', 'patch', 'update'] });
  if (s.subresources.scale) out.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  if (s.group === '' && s.plural === 'pods') {
    out.push({ name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] });
    out.push({ name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  }
  if (s.group === '' && s.plural === 'namespaces') out.push({ name: 'finalize', ...own, verbs: ['update'] });
  return out;
}

/** Groups in the order they are listed: core first, then as the strategies list them. */
export function groupsOf(strategies: readonly ResourceStrategy[]): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const s of strategies) {
    const versions = groups.get(s.group) ?? [];
    if (!versions.includes(s.version)) versions.push(s.version);
    groups.set(s.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

// ------------------------------------------------------------------ legacy documents

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(g: { name: string; versions: string[] }): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(strategies: readonly ResourceStrategy[]): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsOf(strategies).filter((g) => g.name !== '').map(apiGroup) };
}

export function apiGroupDocument(strategies: readonly ResourceStrategy[], group: string): object | undefined {
  const g = groupsOf(strategies).find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

export function apiResourceList(strategies: readonly ResourceStrategy[], group: string, version: string): object | undefined {
  const kinds = strategies.filter((s) => s.group === group && s.version === version);
  if (kinds.length === 0) return undefined;
  const resources: object[] = [];
  for (const s of kinds) {
    const main: Record<string, unknown> = { name: s.plural, singularName: s.singular, namespaced: s.namespaced, kind: s.kind, verbs: MAIN_VERBS };
    if (s.shortNames.length > 0) main['shortNames'] = s.shortNames;
    if (s.categories.length > 0) main['categories'] = s.categories;
    resources.push(main);
    for (const sub of subresourcesOf(s)) {
      const r: Record<string, unknown> = { name: `${s.plural}/${sub.name}`, singularName: '', namespaced: s.namespaced, kind: sub.kind, verbs: sub.verbs };
      if (sub.group !== s.group || sub.version !== s.version) {
        r['group'] = sub.group;
        r['version'] = sub.version;
      }
      resources.push(r);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

// ------------------------------------------------------------------ aggregated discovery

export type AggregatedVersion = 'v2' | 'v2beta1';

/** The aggregated discovery version the Accept header asks for, if any (first acceptable wins). */
export function wantsAggregated(accept: string | undefined): AggregatedVersion | undefined {
  for (const t of parseMediaTypes(accept)) {
    if (t.type !== 'application/json') continue;
    if (t.params['g'] === 'apidiscovery.k8s.io' && t.params['as'] === 'APIGroupDiscoveryList') {
      if (t.params['v'] === 'v2' || t.params['v'] === 'v2beta1') return t.params['v'];
    }
    if (t.params['as'] === undefined) return undefined; // plain JSON listed first: legacy documents
  }
  return undefined;
}

export function aggregatedContentType(v: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

/** The APIGroupDiscoveryList for /api (core only) or /apis (every named group). */
export function aggregatedDiscovery(strategies: readonly ResourceStrategy[], core: boolean, v: AggregatedVersion): object {
  const items = groupsOf(strategies)
    .filter((g) => (core ? g.name === '' : g.name !== ''))
    .map((g) => ({
      metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: strategies
          .filter((s) => s.group === g.name && s.version === version)
          .map((s) => {
            const r: Record<string, unknown> = {
              resource: s.plural,
              responseKind: { group: s.group, version: s.version, kind: s.kind },
              scope: s.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: s.singular,
              verbs: MAIN_VERBS,
            };
            if (s.shortNames.length > 0) r['shortNames'] = s.shortNames;
            if (s.categories.length > 0) r['categories'] = s.categories;
            const subs = subresourcesOf(s);
            if (subs.length > 0) {
              r['subresources'] = subs.map((sub) => ({
                subresource: sub.name,
                responseKind: { group: sub.group, version: sub.version, kind: sub.kind },
                verbs: sub.verbs,
              }));
            }
            return r;
          }),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}
