// Content negotiation. Kubernetes clients say what they want in Accept with parameters:
//   application/json;as=Table;v=v1;g=meta.k8s.io     server-side printing (kubectl get)
//   application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io   metadata only
//   application/json, application/yaml, */*          the objects themselves
// The first acceptable entry wins, as in Kubernetes.

export interface MediaType {
  type: string; // 'application/json'
  params: Record<string, string>;
}

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: (type ?? '').toLowerCase(), params: p };
  });
}

export type Rendering =
  | { kind: 'object'; format: 'json' | 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial-metadata'; version: 'v1' | 'v1beta1'; format: 'json' | 'yaml' };

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*', '']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/** Picks how to render a response for this Accept header; undefined when nothing offered is servable. */
export function negotiate(accept: string | undefined): Rendering | undefined {
  const types = parseMediaTypes(accept);
  if (types.length === 0) return { kind: 'object', format: 'json' };
  for (const t of types) {
    const as = t.params['as'];
    const isJson = JSON_TYPES.has(t.type);
    const isYaml = YAML_TYPES.has(t.type);
    if (!isJson && !isYaml) continue;
    if (as === undefined) return { kind: 'object', format: isYaml ? 'yaml' : 'json' };
    if (t.params['g'] !== 'meta.k8s.io') continue;
    const version = t.params['v'] === 'v1beta1' ? 'v1beta1' : t.params['v'] === 'v1' ? 'v1' : undefined;
    if (!version) continue;
    if (as === 'Table' && isJson) return { kind: 'table', version };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { kind: 'partial-metadata', version, format: isYaml ? 'yaml' : 'json' };
  }
  return undefined;
}

/** The Content-Type of a rendering, echoing the parameters the client asked with. */
export function contentTypeOf(r: Rendering, list: boolean): string {
  switch (r.kind) {
    case 'object':
      return r.format === 'yaml' ? 'application/yaml' : 'application/json';
    case 'table':
      return `application/json;as=Table;v=${r.version};g=meta.k8s.io`;
    case 'partial-metadata':
      return `application/${r.format};as=PartialObjectMetadata${list ? 'List' : ''};v=${r.version};g=meta.k8s.io`;
  }
}
