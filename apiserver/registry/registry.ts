// The generic registry: create, get, update, patch and delete for every kind, driven by the kind's
// strategy (resources/). Nothing here knows a kind by name except through the strategy's hooks,
// which is how one handler set serves pods, deployments and leases alike.
//
// Write path (create and update alike):
//   decode → system metadata → strategy defaults/prepare/validate → admission → managedFields → Txn
// Updates are optimistic: the Txn compares the key's mod_revision with the version read. A user's
// stale resourceVersion is a 409; a write without one (or a patch) is retried on the fresh object,
// as Kubernetes' GuaranteedUpdate does.

import { parse as parseYaml } from 'yaml';
import type { EtcdClient } from '../../store/client/index.js';
import type { KubeObject } from '../api/object.js';
import { deepCopy, isPlainObject } from '../api/object.js';
import { ApiError, errors } from '../api/status.js';
import { fieldError, type FieldError } from '../api/field-errors.js';
import type { SchemaSource, Schema } from '../schema/schema.js';
import { findUnknownFields } from '../schema/unknown-fields.js';
import { applyPatch, serverSideApply, updateManagedFields, PatchError, type PatchKind } from '../patch/index.js';
import { groupVersion, type ResourceStrategy } from '../resources/strategy.js';
import { Admission } from './admission.js';
import {
  bumpGenerationIfSpecChanged,
  fillSystemFieldsOnCreate,
  generateName,
  keepSystemFieldsOnUpdate,
  sameObject,
} from './object-meta.js';
import { ObjectStorage, objectKey, type StoreObserver, type StoredObject } from './storage.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface WriteOptions {
  dryRun: boolean;
  /** The manager named by the request, or derived from its User-Agent. */
  fieldManager: string;
  fieldValidation: FieldValidation;
  /** Warnings for the response's Warning headers (e.g. unknown fields in Warn mode). */
  warnings: string[];
  /** Paths of fields the raw JSON body gave twice (found before parsing, which keeps the last). */
  duplicateFields?: string[];
}

/**
 * Which part of the object a write may change: the main resource (not status), the status
 * subresource (only status), or 'internal' for the server's own subresources (binding, finalize)
 * that change exactly what they mean to and skip the kind's update resets.
 */
export type WriteTarget = 'main' | 'status' | 'internal';

const MAX_RETRIES = 16;

export class Registry {
  readonly storage: ObjectStorage;
  readonly admission: Admission;

  constructor(
    readonly etcd: EtcdClient,
    readonly schemas: SchemaSource,
    private readonly clock: () => Date = () => new Date(),
    observeStore?: StoreObserver,
  ) {
    this.storage = new ObjectStorage(etcd, observeStore);
    this.admission = new Admission(this.storage, etcd);
  }

  now(): Date {
    return this.clock();
  }

  schemaOf(s: ResourceStrategy): Schema | undefined {
    return this.schemas.forKind(s.group, s.version, s.kind);
  }

  key(s: ResourceStrategy, namespace: string | undefined, name: string): string {
    return objectKey(s.plural, s.namespaced ? namespace : undefined, name);
  }

  async get(s: ResourceStrategy, namespace: string | undefined, name: string): Promise<StoredObject> {
    return this.storage.get(s, this.key(s, namespace, name), name);
  }

  // ---------------------------------------------------------------- create

  async create(s: ResourceStrategy, namespace: string | undefined, body: unknown, opts: WriteOptions & { managedByPatch?: boolean }): Promise<KubeObject> {
    const obj = this.checkEnvelope(s, body);
    this.checkUnknownFields(s, obj, opts);
    if (obj.metadata.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    this.placeInNamespace(s, obj, namespace);
    const generated = !obj.metadata.name && Boolean(obj.metadata.generateName);
    if (!obj.metadata.name) {
      if (obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
      else throw errors.invalid(s.group, s.kind, '', [fieldError.required('metadata.name', 'name or generateName is required')]);
    }
    const now = this.clock();
    fillSystemFieldsOnCreate(obj, now, s.group);
    s.defaults(obj);
    s.prepareForCreate?.(obj);
    this.validate(s, obj, s.validate(obj));
    await this.admission.admitCreate(s, obj, opts.dryRun);
    if (!opts.managedByPatch) {
      updateManagedFields(undefined, obj, { manager: opts.fieldManager, operation: 'Update', schema: this.schemaOf(s), apiVersion: groupVersion(s), now });
    }
    if (opts.dryRun) return obj;
    // A generated name can collide (5 characters of 27): like Kubernetes since 1.32, try other
    // names before giving up, so that generateName practically never fails.
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.storage.create(s, this.key(s, obj.metadata.namespace, obj.metadata.name!), obj);
        return stored.object;
      } catch (err) {
        const collided = err instanceof ApiError && err.reason === 'AlreadyExists';
        if (generated && collided && attempt < 7) {
          obj.metadata.name = generateName(obj.metadata.generateName!);
          continue;
        }
        await this.admission.undoCreate(s, obj);
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- update

  /**
   * PUT: replace the object (or its status). `body.metadata.resourceVersion`, when set, must
   * match the stored one; when unset the write is unconditional (if the kind allows it).
   */
  async update(s: ResourceStrategy, namespace: string | undefined, name: string, body: unknown, target: WriteTarget, opts: WriteOptions): Promise<{ object: KubeObject; created: boolean }> {
    const obj = this.checkEnvelope(s, body);
    this.checkUnknownFields(s, obj, opts);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    this.placeInNamespace(s, obj, namespace);
    const precondition = obj.metadata.resourceVersion || undefined;
    if (!precondition && !s.allowUnconditionalUpdate) {
      throw errors.invalid(s.group, s.kind, name, [fieldError.invalid('metadata.resourceVersion', 0, 'must be specified for an update')]);
    }
    const current = await this.storage.tryGet(this.key(s, namespace, name));
    if (!current) {
      if (!s.allowCreateOnUpdate || target !== 'main') throw errors.notFound(s, name);
      if (precondition) throw errors.notFound(s, name);
      const { resourceVersion: _rv, ...meta } = obj.metadata;
      return { object: await this.create(s, namespace, { ...obj, metadata: meta }, opts), created: true };
    }
    const object = await this.guaranteedUpdate(s, namespace, name, current, precondition, target, opts, () => deepCopy(obj));
    return { object, created: false };
  }

  /** PATCH: json, merge, strategic or apply; always applied to the latest stored object. */
  async patch(
    s: ResourceStrategy,
    namespace: string | undefined,
    name: string,
    kind: PatchKind | 'apply',
    patchBody: string,
    target: WriteTarget,
    opts: WriteOptions & { force: boolean },
  ): Promise<{ object: KubeObject; created: boolean }> {
    const key = this.key(s, namespace, name);
    const current = await this.storage.tryGet(key);
    const schema = this.schemaOf(s);
    if (kind === 'apply') {
      const applied = this.parseApplied(s, patchBody, name, namespace);
      this.checkUnknownFields(s, applied, opts);
      if (!current) {
        if (target !== 'main') throw errors.notFound(s, name);
        const created = this.wrapPatchErrors(() =>
          serverSideApply(undefined, applied, { manager: opts.fieldManager, force: opts.force, schema, apiVersion: groupVersion(s), now: this.clock() }),
        );
        const object = await this.createApplied(s, namespace, created, opts);
        return { object, created: true };
      }
      const object = await this.guaranteedUpdate(s, namespace, name, current, undefined, target, { ...opts, managedByPatch: true }, (cur) =>
        this.wrapPatchErrors(() =>
          serverSideApply(cur, applied, {
            manager: opts.fieldManager,
            force: opts.force,
            schema,
            apiVersion: groupVersion(s),
            subresource: target === 'status' ? 'status' : undefined,
            now: this.clock(),
          }),
        ),
      );
      return { object, created: false };
    }
    if (!current) throw errors.notFound(s, name);
    let precondition: string | undefined;
    const object = await this.guaranteedUpdate(s, namespace, name, current, undefined, target, opts, (cur) => {
      const patched: KubeObject = this.wrapPatchErrors(() => applyPatch(kind, cur, patchBody, schema));
      if (!isPlainObject(patched) || !isPlainObject(patched['metadata'])) throw errors.badRequest('the patch produced an object without metadata');
      // A patch may carry a resourceVersion: then it is a precondition, checked against the stored object.
      const rv = (patched.metadata as KubeObject['metadata']).resourceVersion;
      if (precondition === undefined && rv !== cur.metadata.resourceVersion) precondition = rv;
      if (precondition && precondition !== cur.metadata.resourceVersion) throw errors.modified(s, name);
      if (patched.metadata.name !== name) throw errors.badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
      this.checkUnknownFields(s, patched, opts);
      return patched;
    });
    return { object, created: false };
  }

  /**
   * Reads, transforms, validates and writes until the Txn wins. `precondition` (a user's
   * resourceVersion) turns a lost race into a 409 instead of a retry.
   */
  async guaranteedUpdate(
    s: ResourceStrategy,
    namespace: string | undefined,
    name: string,
    initial: StoredObject,
    precondition: string | undefined,
    target: WriteTarget,
    opts: WriteOptions & { managedByPatch?: boolean },
    transform: (current: KubeObject) => KubeObject,
  ): Promise<KubeObject> {
    const key = this.key(s, namespace, name);
    let current = initial;
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      if (precondition && precondition !== current.resourceVersion) throw errors.modified(s, name);
      const old = current.object;
      const next = this.prepareUpdate(s, transform(deepCopy(old)), old, target, opts);
      if (sameObject(next, old)) return old; // a no-op write keeps the resourceVersion, as Kubernetes does
      if (opts.dryRun) return next;
      // The last finalizer of an object being deleted is gone: the update completes the delete.
      if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && !this.admission.hasPendingFinalize(s, next)) {
        const res = await this.storage.delete(key, current.resourceVersion);
        if (res.ok) {
          await this.admission.afterDelete(s, next);
          return { ...next, metadata: { ...next.metadata, resourceVersion: res.revision } };
        }
        if (!res.current) throw errors.notFound(s, name);
        current = res.current;
        continue;
      }
      const res = await this.storage.update(key, next, current.resourceVersion);
      if (res.ok) return res.stored.object;
      if (!res.current) throw errors.notFound(s, name);
      current = res.current;
    }
    throw errors.conflict(s, name, 'too many concurrent writers, please retry');
  }

  /** Applies the kind's update rules to a candidate object. */
  private prepareUpdate(s: ResourceStrategy, candidate: KubeObject, old: KubeObject, target: WriteTarget, opts: WriteOptions & { managedByPatch?: boolean }): KubeObject {
    let obj = this.checkEnvelope(s, candidate);
    obj.metadata.name = old.metadata.name;
    if (s.namespaced) obj.metadata.namespace = old.metadata.namespace;
    else delete obj.metadata.namespace;
    if (target === 'status') {
      // The status subresource changes .status only; everything else is the stored object's.
      const status = obj['status'];
      const managedFields = obj.metadata.managedFields;
      obj = deepCopy(old);
      if (status === undefined) delete obj['status'];
      else obj['status'] = status;
      if (managedFields) obj.metadata.managedFields = managedFields;
    } else if (target === 'main' && s.subresources.status) {
      // ...and the main resource never changes .status.
      if (old['status'] === undefined) delete obj['status'];
      else obj['status'] = deepCopy(old['status']);
    }
    keepSystemFieldsOnUpdate(obj, old);
    s.defaults(obj);
    if (target !== 'internal') s.prepareForUpdate?.(obj, old);
    bumpGenerationIfSpecChanged(obj, old, s.group);
    // 'internal' writes (binding, finalize) change fields the kind's update rules freeze, on purpose.
    this.validate(s, obj, [...s.validate(obj), ...(target === 'internal' ? [] : (s.validateUpdate?.(obj, old) ?? []))]);
    this.admission.admitUpdate(s, obj);
    if (!opts.managedByPatch) {
      updateManagedFields(old, obj, {
        manager: opts.fieldManager,
        operation: 'Update',
        schema: this.schemaOf(s),
        apiVersion: groupVersion(s),
        subresource: target === 'status' ? 'status' : undefined,
        now: this.clock(),
      });
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    return obj;
  }

  /** Creates what an apply produced; its managedFields (the Apply entry) are already right. */
  private async createApplied(s: ResourceStrategy, namespace: string | undefined, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    return this.create(s, namespace, obj, { ...opts, fieldValidation: 'Ignore', managedByPatch: true });
  }

  private parseApplied(s: ResourceStrategy, body: string, name: string, namespace: string | undefined): KubeObject {
    const obj = this.checkEnvelope(s, decodeApplyBody(body));
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    if (s.namespaced && namespace) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
    }
    return obj;
  }

  private wrapPatchErrors<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof PatchError) throw new ApiError(err.code, err.reason || 'InternalError', err.message, err.details);
      throw err;
    }
  }

  // ---------------------------------------------------------------- shared checks

  /** The body must be an object of this kind (apiVersion and kind may be omitted). */
  checkEnvelope(s: ResourceStrategy, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw errors.badRequest('the request body must be a JSON or YAML object');
    const gv = groupVersion(s);
    const apiVersion = body['apiVersion'];
    const kind = body['kind'];
    if (apiVersion !== undefined && apiVersion !== gv) {
      throw errors.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${gv})`);
    }
    if (kind !== undefined && kind !== s.kind) {
      throw errors.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${s.kind})`);
    }
    const metadata = body['metadata'] ?? {};
    if (!isPlainObject(metadata)) throw errors.badRequest('metadata must be an object');
    return { ...body, apiVersion: gv, kind: s.kind, metadata } as KubeObject;
  }

  private placeInNamespace(s: ResourceStrategy, obj: KubeObject, namespace: string | undefined): void {
    if (!s.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const ns = namespace ?? obj.metadata.namespace;
    if (!ns) throw errors.badRequest('the server could not find the requested resource: a namespace is required');
    obj.metadata.namespace = ns;
  }

  /**
   * fieldValidation: fields the schema does not declare (and, from the raw JSON, fields given
   * twice) fail a Strict request with 400, or become warnings with Warn.
   */
  private checkUnknownFields(s: ResourceStrategy, obj: KubeObject, opts: WriteOptions): void {
    if (opts.fieldValidation === 'Ignore') return;
    const schema = this.schemaOf(s);
    const problems = [
      ...(schema ? findUnknownFields(obj, schema).map((p: string) => `unknown field "${p}"`) : []),
      ...(opts.duplicateFields ?? []).map((p) => `duplicate field "${p}"`),
    ];
    if (problems.length === 0) return;
    if (opts.fieldValidation === 'Strict') {
      throw errors.badRequest(`${s.kind} in version "${s.version}" cannot be handled as a ${s.kind}: strict decoding error: ${problems.join(', ')}`);
    }
    opts.warnings.push(...problems);
  }

  private validate(s: ResourceStrategy, obj: KubeObject, errs: FieldError[]): void {
    if (errs.length > 0) throw errors.invalid(s.group, s.kind, obj.metadata.name ?? '', errs);
  }
}

/** An apply body is YAML (JSON is YAML too). */
function decodeApplyBody(body: string): unknown {
  try {
    return parseYamlObject(body);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseYamlObject(text: string): unknown {
  return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
}
