// Server-side apply (PATCH with application/apply-patch+yaml), following structured-merge-diff's
// Updater.Apply and the Kubernetes field manager around it:
//  1. merge the applied configuration into the live object (merge-applied.ts);
//  2. the manager now owns exactly the fields its configuration sets (to-field-set.ts);
//  3. prune: fields the manager owned by its previous apply but no longer sets are removed from
//     the object - unless another manager owns them too;
//  4. conflicts: a field the apply adds or changes that another manager owns is a conflict (409),
//     unless force=true, which takes the field away from that manager. Setting a field to the value
//     it already has is not a conflict: the field becomes shared.
//  5. every other manager loses the fields the apply removed.

import type { Json, JsonObject, KubeObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import { parse as parseYaml } from 'yaml';
import { compareObjects } from './compare-objects.js';
import { pathToString, type Path } from './field-path.js';
import { FieldSet } from './field-set.js';
import { isJsonObject } from './json-value.js';
import {
  decodeManagedFields,
  managerIdentity,
  metaTime,
  recordUpdate,
  setManagedFields,
  stripNeverOwned,
  withoutManagedFields,
  type Managed,
  type ManagerEntry,
} from './managed-fields.js';
import { mergeApplied } from './merge-applied.js';
import { badRequest, PatchError, unknownServerError } from './patch-error.js';
import { removeItems } from './remove-items.js';
import { toFieldSet } from './to-field-set.js';
import { ShapeError } from './value-shape.js';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  schema: Schema | undefined;
  /** The group/version the request was made in, e.g. 'apps/v1'. */
  apiVersion: string;
  subresource?: string;
  now: Date;
}

/** The manager Kubernetes records for the fields of an object that predates field tracking. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Decodes an apply body (YAML, of which JSON is a subset) the way the apply patcher does. */
export function parseApplyBody(body: string): KubeObject {
  let value: unknown;
  try {
    value = parseYaml(body) as unknown;
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) value = {};
  if (!isJsonObject(value)) {
    const word = Array.isArray(value) ? 'array' : typeof value;
    throw badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${word} into Go value of type map[string]interface {}`,
    );
  }
  return value as unknown as KubeObject;
}

/**
 * Applies `applied` for `opts.manager` onto `current` (undefined = the object does not exist yet)
 * and returns the new object with its managedFields. Throws PatchError: 400 for a malformed
 * configuration, 409 Conflict (reason Conflict, causes FieldManagerConflict) on conflicts.
 */
export function serverSideApply(current: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): KubeObject {
  if (applied.apiVersion !== undefined && applied.apiVersion !== opts.apiVersion) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion)}, expected: ${opts.apiVersion}`,
    );
  }
  if (isJsonObject(applied.metadata) && applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }

  let managed: Managed;
  try {
    managed = decodeManagedFields(current?.metadata.managedFields);
  } catch (e) {
    throw badRequest(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const live = withoutManagedFields(current);
  const config = JSON.parse(JSON.stringify(applied)) as JsonObject;

  // An existing object nobody tracked yet: its current fields are recorded as owned by
  // "before-first-apply", so that applying over them is a conflict like any other.
  if (current !== undefined && managed.size === 0) {
    recordUpdate(managed, {}, live, { manager: BEFORE_FIRST_APPLY, schema: opts.schema, apiVersion: opts.apiVersion, now: opts.now });
  }

  try {
    const merged = (mergeApplied(live, config, opts.schema) ?? {}) as JsonObject;
    const appliedSet = stripNeverOwned(toFieldSet(config, opts.schema));
    const me: ManagerEntry = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, set: appliedSet };
    if (opts.subresource) me.subresource = opts.subresource;
    const myId = managerIdentity(me);
    const previous = managed.get(myId);
    if (previous?.time) me.time = previous.time;
    managed.set(myId, me);

    const result = previous ? prune(merged, managed, previous.set, opts.schema) : merged;
    takeOwnership(managed, myId, live, result, opts);

    const changed = JSON.stringify(live) !== JSON.stringify(result);
    if (changed || !me.time) me.time = metaTime(opts.now);
    if (me.set.isEmpty()) managed.delete(myId);
    const out = result as unknown as KubeObject;
    if (!isJsonObject(out.metadata)) out.metadata = {};
    setManagedFields(out, managed);
    return out;
  } catch (e) {
    if (e instanceof PatchError) throw e;
    if (e instanceof ShapeError) throw badRequest(`failed to create typed patch object: ${e.message}`);
    throw unknownServerError(String((e as Error).message ?? e));
  }
}

/**
 * Removes what the manager applied last time and no longer applies, unless some manager (this
 * one's new configuration included) still owns it - structured-merge-diff's prune with its
 * add-back passes, expressed on field sets.
 */
function prune(merged: JsonObject, managed: Managed, lastSet: FieldSet, schema: Schema | undefined): JsonObject {
  if (lastSet.isEmpty()) return merged;
  const last = lastSet.withNamedFieldsAsMembers(schema);
  let owned = new FieldSet();
  for (const e of managed.values()) owned = owned.union(e.set);
  owned = owned.withNamedFieldsAsMembers(schema);

  const mergedSet = toFieldSet(merged, schema).withNamedFieldsAsMembers(schema);
  const firstCut = (removeItems(merged, last, schema) ?? {}) as JsonObject;
  const firstCutSet = toFieldSet(firstCut, schema).withNamedFieldsAsMembers(schema);
  // Add back everything somebody owns.
  const ownedBack = (removeItems(merged, mergedSet.difference(firstCutSet.union(owned)), schema) ?? {}) as JsonObject;
  // Add back everything that was not this manager's to remove.
  const ownedBackSet = toFieldSet(ownedBack, schema).withNamedFieldsAsMembers(schema);
  return (removeItems(merged, mergedSet.difference(ownedBackSet).intersection(last), schema) ?? {}) as JsonObject;
}

/** Updater.update for an apply: conflicts with other managers, and their loss of removed fields. */
function takeOwnership(managed: Managed, myId: string, live: Json, result: Json, opts: ApplyOptions): void {
  const change = compareObjects(live, result, opts.schema);
  const touched = change.modified.union(change.added);
  const conflicts: Array<{ id: string; entry: ManagerEntry; paths: Path[] }> = [];
  for (const [id, entry] of managed) {
    if (id === myId) continue;
    const clash = entry.set.intersection(touched);
    if (!clash.isEmpty()) conflicts.push({ id, entry, paths: clash.paths() });
  }
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  for (const [id, entry] of managed) {
    if (id === myId) continue;
    entry.set = entry.set.difference(touched).difference(change.removed);
    if (entry.set.isEmpty()) managed.delete(id);
  }
}

/** How a conflict names the other manager (Kubernetes' printManager, without the time). */
function describeManager(e: ManagerEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

function conflictError(conflicts: Array<{ id: string; entry: ManagerEntry; paths: Path[] }>): PatchError {
  conflicts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const causes = conflicts.flatMap(({ entry, paths }) =>
    paths.map((p) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(entry)}`, field: pathToString(p) })),
  );
  let message: string;
  if (causes.length === 1) {
    message = `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`;
  } else {
    const lines: string[] = [];
    for (const { entry, paths } of conflicts) {
      lines.push(`conflicts with ${describeManager(entry)}:`);
      for (const p of paths) lines.push(`- ${pathToString(p)}`);
    }
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new PatchError(409, 'Conflict', message, { causes });
}
