// metadata.managedFields: who owns which fields, and the bookkeeping of ordinary writes.
//
// One entry per manager identity - (manager, operation, subresource), plus apiVersion for Update
// entries, exactly as Kubernetes' BuildManagerIdentifier - holding the manager's FieldSet as
// fieldsV1. Entries are sorted as Kubernetes sorts them: Apply before Update, then by time (to the
// second), manager, apiVersion, subresource.
//
// updateManagedFields is what create, update and the non-apply patches run (operation Update):
// the writer takes every field it added or changed, other managers lose those fields, and
// everybody loses the fields the write removed (structured-merge-diff's Updater.Update).

import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import { compareObjects } from './compare-objects.js';
import { FieldSet } from './field-set.js';
import { isJsonObject } from './json-value.js';

export type ManagedOperation = 'Apply' | 'Update';

/** A managedFields entry as stored in JSON (the client-node model types `time` as a Date). */
export interface ManagedFieldsEntryJson {
  manager: string;
  operation: ManagedOperation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** One manager's ownership, decoded. */
export interface ManagerEntry {
  manager: string;
  operation: ManagedOperation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Decoded managedFields, by manager identity. */
export type Managed = Map<string, ManagerEntry>;

/** The fields no manager ever owns (Kubernetes' stripMetaManager): identity and server-set metadata. */
const NEVER_OWNED = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  [{ field: 'metadata' }, { field: 'name' }],
  [{ field: 'metadata' }, { field: 'namespace' }],
  [{ field: 'metadata' }, { field: 'creationTimestamp' }],
  [{ field: 'metadata' }, { field: 'selfLink' }],
  [{ field: 'metadata' }, { field: 'uid' }],
  [{ field: 'metadata' }, { field: 'clusterName' }],
  [{ field: 'metadata' }, { field: 'generation' }],
  [{ field: 'metadata' }, { field: 'managedFields' }],
  [{ field: 'metadata' }, { field: 'resourceVersion' }],
);

export function stripNeverOwned(set: FieldSet): FieldSet {
  return set.difference(NEVER_OWNED);
}

/** BuildManagerIdentifier: the entry minus fields, time and (for appliers) apiVersion, as JSON. */
export function managerIdentity(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation === 'Update') id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** Decodes metadata.managedFields; throws on an entry it cannot read. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const managed: Managed = new Map();
  for (const raw of (entries ?? []) as unknown as Array<Record<string, unknown>>) {
    const operation = raw.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error(`operation must be Apply or Update, got ${String(operation)}`);
    if (raw.fieldsType !== undefined && raw.fieldsType !== 'FieldsV1') throw new Error('fieldsType must be FieldsV1');
    const entry: ManagerEntry = {
      manager: typeof raw.manager === 'string' ? raw.manager : '',
      operation,
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '',
      set: raw.fieldsV1 === undefined ? new FieldSet() : FieldSet.fromFieldsV1(raw.fieldsV1),
    };
    if (typeof raw.subresource === 'string' && raw.subresource) entry.subresource = raw.subresource;
    if (raw.time !== undefined && raw.time !== null) entry.time = raw.time instanceof Date ? metaTime(raw.time) : String(raw.time);
    managed.set(managerIdentity(entry), entry);
  }
  return managed;
}

/** Encodes and sorts; managers that own nothing are dropped. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntryJson[] {
  const out: ManagedFieldsEntryJson[] = [];
  for (const e of managed.values()) {
    if (e.set.isEmpty()) continue;
    const entry: ManagedFieldsEntryJson = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, fieldsType: 'FieldsV1', fieldsV1: e.set.toFieldsV1() };
    if (e.time) entry.time = e.time;
    if (e.subresource) entry.subresource = e.subresource;
    // Key order as Go marshals ManagedFieldsEntry.
    out.push(orderEntryKeys(entry));
  }
  const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

function orderEntryKeys(e: ManagedFieldsEntryJson): ManagedFieldsEntryJson {
  const o: ManagedFieldsEntryJson = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion } as ManagedFieldsEntryJson;
  if (e.time) o.time = e.time;
  o.fieldsType = e.fieldsType;
  o.fieldsV1 = e.fieldsV1;
  if (e.subresource) o.subresource = e.subresource;
  return o;
}

/** metav1.Time as JSON: RFC 3339 in UTC, whole seconds. */
export function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Stores encoded managedFields in an object (removing the key when there are none). */
export function setManagedFields(obj: KubeObject, managed: Managed): void {
  const entries = encodeManagedFields(managed);
  if (entries.length > 0) obj.metadata.managedFields = entries as unknown as ManagedFieldsEntry[];
  else delete obj.metadata.managedFields;
}

/** The object as plain JSON without metadata.managedFields: what ownership is computed on. */
export function withoutManagedFields(obj: KubeObject | undefined): JsonObject {
  if (!obj) return {};
  const copy = JSON.parse(JSON.stringify(obj)) as JsonObject;
  const meta = copy.metadata;
  if (isJsonObject(meta)) delete meta.managedFields;
  return copy;
}

/** Kubernetes' FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name of a request that gives no fieldManager: the User-Agent up to its first '/',
 * without unprintable characters, cut at 128 bytes (kubectl 1.30 sends "kubectl/v1.30.0 (...)" → "kubectl").
 */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0]!;
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue; // Go's unicode.IsPrint
    const size = Buffer.byteLength(ch);
    if (bytes + size > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** isResetManagedFields: `managedFields: []` or `[{}]` in a write clears the bookkeeping. */
function isReset(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  if (entries === undefined) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && Object.keys(entries[0] as object).length === 0;
}

/**
 * The managed fields a write starts from (Kubernetes' decodeLiveOrNew): a subresource write always
 * keeps the live ones; otherwise a write that carries its own managedFields sets them (or resets
 * them with [] / [{}]); a write that drops them keeps the live ones.
 */
export function managedFieldsBase(old: KubeObject | undefined, updated: KubeObject, subresource: string | undefined): Managed {
  const live = () => decodeOrEmpty(old?.metadata.managedFields);
  if (subresource) return live();
  const given = updated.metadata.managedFields;
  if (isReset(given)) return new Map();
  const fromNew = decodeOrEmpty(given);
  return fromNew.size > 0 ? fromNew : live();
}

function decodeOrEmpty(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

export interface UpdateOptions {
  manager: string;
  operation: 'Update';
  schema: Schema | undefined;
  apiVersion: string;
  subresource?: string;
  now: Date;
}

/**
 * The ownership effect of a write by `manager` onto `old`, producing `updated` (old undefined on
 * create). Sets updated.metadata.managedFields. Like Kubernetes' UpdateNoErrors it never throws: a
 * failure leaves the object without managedFields rather than with wrong ones.
 */
export function updateManagedFields(old: KubeObject | undefined, updated: KubeObject, opts: UpdateOptions): void {
  try {
    const managed = managedFieldsBase(old, updated, opts.subresource);
    // An existing object that has no managedFields is not tracked by ordinary writes (skipNonApplied).
    if (old !== undefined && managed.size === 0) {
      delete updated.metadata.managedFields;
      return;
    }
    recordUpdate(managed, withoutManagedFields(old), withoutManagedFields(updated), opts);
    setManagedFields(updated, managed);
  } catch {
    delete updated.metadata.managedFields;
  }
}

/** Updater.Update plus Kubernetes' managedFieldsUpdater, on decoded managed fields (changed in place). */
export function recordUpdate(managed: Managed, oldJson: Json, newJson: Json, opts: Omit<UpdateOptions, 'operation'>): void {
  const change = compareObjects(oldJson, newJson, opts.schema);
  const changed = change.modified.union(change.added);
  // Everyone else (and the writer's previous entry) loses what this write changed or removed.
  for (const [id, entry] of managed) {
    entry.set = entry.set.difference(changed).difference(change.removed);
    if (entry.set.isEmpty()) managed.delete(id);
  }
  const taken = stripNeverOwned(changed.difference(change.removed));
  if (taken.isEmpty()) return; // the write changed nothing: the writer's entry and its time stay as they were
  const entry: ManagerEntry = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, set: taken, time: metaTime(opts.now) };
  if (opts.subresource) entry.subresource = opts.subresource;
  const id = managerIdentity(entry);
  const previous = managed.get(id);
  if (previous) entry.set = previous.set.union(taken);
  managed.set(id, entry);
}
