// From a URL and method to what the request is about, as Kubernetes' RequestInfoFactory decides:
//
//   /api/v1/namespaces/default/pods/web/status
//    └┬┘ └┬┘ └────────┬───────┘ └┬┘ └┬┘ └─┬──┘
//   prefix version  namespace  resource name subresource      (group '' for /api)
//
//   /apis/apps/v1/deployments          a list of every namespace's deployments
//   /api/v1/namespaces/default         the namespace object "default" (resource namespaces)
//   /api/v1/namespaces/default/status  its status subresource (status and finalize are the
//                                      namespace's own subresources, not resources inside it)
//   /api/v1/watch/namespaces/x/pods    the old watch prefix, same as ?watch=true

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  verb: Verb;
}

/** Subresources of a namespace object, as opposed to resources inside the namespace. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * Parses an /api or /apis path into a resource request, or returns undefined for paths that name
 * no resource (discovery documents, unknown shapes).
 */
export function parseResourcePath(method: string, path: string, query: Record<string, string | undefined>): ResourceRequest | undefined {
  const parts = path.split('?')[0]!.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length < 3) return undefined;
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return undefined;
    group = parts[1]!;
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0]!;
  let segs = rest.slice(1);
  let legacyWatch = false;
  if (segs[0] === 'watch') {
    legacyWatch = true;
    segs = segs.slice(1);
  }
  let namespace: string | undefined;
  if (segs[0] === 'namespaces' && segs.length > 2 && !NAMESPACE_SUBRESOURCES.has(segs[2]!)) {
    namespace = segs[1];
    segs = segs.slice(2);
  } else if (segs[0] === 'namespaces' && segs.length >= 2) {
    // The namespace object itself: its "namespace" is its own name, as Kubernetes records it.
    namespace = undefined;
  }
  if (segs.length === 0 || segs.length > 3) return undefined;
  const [resource, name, subresource] = segs as [string, string | undefined, string | undefined];
  const watchParam = query['watch'];
  const isWatch = legacyWatch || watchParam === 'true' || watchParam === '1';
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name ? (isWatch ? 'watch' : 'get') : isWatch ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      return undefined;
  }
  const info: ResourceRequest = { group, version, resource, verb };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}
