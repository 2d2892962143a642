// The REST operations of every served resource, described once and rendered by v2.ts and v3.ts.
// Paths, operation ids, actions and parameter names follow Kubernetes' own OpenAPI, because
// clients read them: kubectl decides that the server validates fields by finding the
// `fieldValidation` parameter on the PATCH operation carrying the kind's
// x-kubernetes-group-version-kind, and `kubectl explain` finds a resource's kind the same way.

import { groupVersion, type ResourceStrategy } from '../resources/strategy.js';
import type { Schema } from '../schema/schema.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type KubeAction = 'get' | 'list' | 'put' | 'patch' | 'post' | 'delete' | 'deletecollection' | 'watch' | 'watchlist';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'integer' | 'boolean';
  required?: boolean;
}

export interface OperationSpec {
  method: HttpMethod;
  operationId: string;
  action: KubeAction;
  gvk: Gvk;
  /** Parameters of this operation besides the path-level ones. */
  parameters: ParameterSpec[];
  /** The body's schema, when the operation takes one. */
  body?: Schema;
  bodyRequired?: boolean;
  /** Content types the body may have. */
  consumes: string[];
  produces: string[];
  /** Status code → response schema. */
  responses: Record<string, Schema>;
}

export interface PathSpec {
  path: string;
  /** Parameters shared by every operation of the path (name, namespace, pretty). */
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const JSON_YAML_PROTOBUF = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_PRODUCES = [...JSON_YAML_PROTOBUF, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const ANY = ['*/*'];

const q = (name: string, type: ParameterSpec['type']): ParameterSpec => ({ name, in: 'query', type });
const LIST_PARAMS = [
  q('allowWatchBookmarks', 'boolean'),
  q('continue', 'string'),
  q('fieldSelector', 'string'),
  q('labelSelector', 'string'),
  q('limit', 'integer'),
  q('resourceVersion', 'string'),
  q('resourceVersionMatch', 'string'),
  q('sendInitialEvents', 'boolean'),
  q('timeoutSeconds', 'integer'),
  q('watch', 'boolean'),
];
const WRITE_PARAMS = [q('dryRun', 'string'), q('fieldManager', 'string'), q('fieldValidation', 'string')];
const PATCH_PARAMS = [...WRITE_PARAMS, q('force', 'boolean')];
const DELETE_PARAMS = [q('dryRun', 'string'), q('gracePeriodSeconds', 'integer'), q('orphanDependents', 'boolean'), q('propagationPolicy', 'string')];
const PRETTY = q('pretty', 'string');
const NAME: ParameterSpec = { name: 'name', in: 'path', type: 'string', required: true };
const NAMESPACE: ParameterSpec = { name: 'namespace', in: 'path', type: 'string', required: true };

/** 'apps' → 'Apps', '' → 'Core', 'rbac.authorization.k8s.io' → 'RbacAuthorization': operation id prefixes. */
export function groupIdentifier(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** '/api/v1' or '/apis/apps/v1'. */
export function groupVersionPrefix(s: Pick<ResourceStrategy, 'group' | 'version'>): string {
  return s.group ? `/apis/${groupVersion(s)}` : `/api/${s.version}`;
}

export interface Bodies {
  kind: Schema;
  list: Schema;
  status: Schema;
  deleteOptions: Schema;
  patch: Schema;
  watchEvent: Schema;
  scale: Schema;
}

/** Every path of one resource, with its operations. */
export function resourcePaths(s: ResourceStrategy, bodies: Bodies): PathSpec[] {
  const prefix = groupVersionPrefix(s);
  const id = `${groupIdentifier(s.group)}${s.version.charAt(0).toUpperCase()}${s.version.slice(1)}`;
  const scope = s.namespaced ? 'Namespaced' : '';
  const gvk: Gvk = { group: s.group, version: s.version, kind: s.kind };
  const scaleGvk: Gvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  const collection = s.namespaced ? `${prefix}/namespaces/{namespace}/${s.plural}` : `${prefix}/${s.plural}`;
  const item = `${collection}/{name}`;
  const scopeParams = s.namespaced ? [NAMESPACE] : [];
  const op = (o: Omit<OperationSpec, 'gvk' | 'consumes' | 'produces'> & Partial<Pick<OperationSpec, 'gvk' | 'consumes' | 'produces'>>): OperationSpec => ({
    gvk,
    consumes: ANY,
    produces: JSON_YAML_PROTOBUF,
    ...o,
  });
  const readWrite = (suffix: string, body: Schema, opGvk: Gvk): OperationSpec[] => [
    op({ method: 'get', operationId: `read${id}${scope}${s.kind}${suffix}`, action: 'get', gvk: opGvk, parameters: [], responses: { '200': body } }),
    op({
      method: 'put',
      operationId: `replace${id}${scope}${s.kind}${suffix}`,
      action: 'put',
      gvk: opGvk,
      parameters: WRITE_PARAMS,
      body,
      bodyRequired: true,
      responses: { '200': body, '201': body },
    }),
    op({
      method: 'patch',
      operationId: `patch${id}${scope}${s.kind}${suffix}`,
      action: 'patch',
      gvk: opGvk,
      parameters: PATCH_PARAMS,
      body: bodies.patch,
      bodyRequired: true,
      consumes: PATCH_CONTENT_TYPES,
      responses: { '200': body, '201': body },
    }),
  ];

  const paths: PathSpec[] = [
    {
      path: collection,
      parameters: [...scopeParams, PRETTY],
      operations: [
        op({ method: 'get', operationId: `list${id}${scope}${s.kind}`, action: 'list', parameters: LIST_PARAMS, produces: WATCH_PRODUCES, responses: { '200': bodies.list } }),
        op({
          method: 'post',
          operationId: `create${id}${scope}${s.kind}`,
          action: 'post',
          parameters: WRITE_PARAMS,
          body: bodies.kind,
          bodyRequired: true,
          responses: { '200': bodies.kind, '201': bodies.kind, '202': bodies.kind },
        }),
        op({
          method: 'delete',
          operationId: `delete${id}Collection${scope}${s.kind}`,
          action: 'deletecollection',
          parameters: [...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_PARAMS],
          body: bodies.deleteOptions,
          responses: { '200': bodies.status },
        }),
      ],
    },
    {
      path: item,
      parameters: [NAME, ...scopeParams, PRETTY],
      operations: [
        ...readWrite('', bodies.kind, gvk),
        op({
          method: 'delete',
          operationId: `delete${id}${scope}${s.kind}`,
          action: 'delete',
          parameters: DELETE_PARAMS,
          body: bodies.deleteOptions,
          responses: { '200': bodies.status, '202': bodies.status },
        }),
      ],
    },
  ];
  if (s.subresources.status) {
    paths.push({ path: `${item}/status`, parameters: [NAME, ...scopeParams, PRETTY], operations: readWrite('Status', bodies.kind, gvk) });
  }
  if (s.subresources.scale) {
    paths.push({ path: `${item}/scale`, parameters: [NAME, ...scopeParams, PRETTY], operations: readWrite('Scale', bodies.scale, scaleGvk) });
  }
  const watch = (path: string, operationId: string, action: KubeAction, parameters: ParameterSpec[]): PathSpec => ({
    path,
    parameters: [...parameters, ...LIST_PARAMS, PRETTY],
    operations: [op({ method: 'get', operationId, action, parameters: [], produces: WATCH_PRODUCES, responses: { '200': bodies.watchEvent } })],
  });
  const watchCollection = s.namespaced ? `${prefix}/watch/namespaces/{namespace}/${s.plural}` : `${prefix}/watch/${s.plural}`;
  paths.push(watch(watchCollection, `watch${id}${scope}${s.kind}List`, 'watchlist', scopeParams));
  paths.push(watch(`${watchCollection}/{name}`, `watch${id}${scope}${s.kind}`, 'watch', [NAME, ...scopeParams]));
  if (s.namespaced) {
    paths.push({
      path: `${prefix}/${s.plural}`,
      parameters: [...LIST_PARAMS, PRETTY],
      operations: [
        op({ method: 'get', operationId: `list${id}${s.kind}ForAllNamespaces`, action: 'list', parameters: [], produces: WATCH_PRODUCES, responses: { '200': bodies.list } }),
      ],
    });
    paths.push(watch(`${prefix}/watch/${s.plural}`, `watch${id}${s.kind}ListForAllNamespaces`, 'watchlist', []));
  }
  return paths;
}

/** The tag Kubernetes groups operations under: 'apps_v1', 'core_v1'. */
export function tagOf(s: Pick<ResourceStrategy, 'group' | 'version'>): string {
  const pkg = s.group === '' ? 'core' : groupIdentifier(s.group).replace(/^./, (c) => c.toLowerCase());
  return `${pkg}_${s.version}`;
}
