// LIST with Kubernetes' resourceVersion semantics:
//
//   resourceVersion unset          a consistent read: the store, now (paged when `limit` is set)
//   resourceVersion "0"            any recent state: the watch cache, no store round trip
//   resourceVersion N              not older than N: the watch cache once it has caught up to N
//   N + resourceVersionMatch=Exact exactly at N: the store at revision N (410 if compacted)
//   continue=<token>               the next page, read at the first page's revision
//
// Selectors filter after reading; with `limit`, pages are read until enough objects matched, so a
// page is short only at the end of the list.

import { CompactedError } from '../../store/client/errors.js';
import type { KubeObject } from '../api/object.js';
import { errors } from '../api/status.js';
import { ContinueTokenError, CONTINUE_EXPIRED_MESSAGE, decodeContinue, encodeContinue } from '../list/continue-token.js';
import { checkFieldLabels, FieldSelectorError, matchesFields, parseFieldSelector, type FieldSelector } from '../list/field-selector.js';
import { LabelSelectorError, matchesLabels, parseLabelSelector, type LabelSelector } from '../list/label-selector.js';
import type { ResourceStrategy } from '../resources/strategy.js';
import { listPrefix, resourcePrefix, type ObjectStorage } from './storage.js';
import type { WatchCache } from './watch-cache.js';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** How long a list or watch waits for the cache to reach a requested resourceVersion. */
export const FRESHNESS_WAIT_MS = 3_000;

/** A predicate over objects built from the label and field selectors of a request. */
export interface ObjectFilter {
  labels: LabelSelector;
  fields: FieldSelector;
  matches(obj: KubeObject): boolean;
  /** Set when the selector names exactly one object (metadata.name=x): lists can read just that key. */
  name?: string;
}

/** The field values of an object that fieldSelector can test. */
export function fieldsOf(s: ResourceStrategy, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' };
  if (s.namespaced) fields['metadata.namespace'] = obj.metadata.namespace ?? '';
  return { ...fields, ...(s.selectableFields?.(obj) ?? {}) };
}

/** The extra field names a kind supports (undefined = only metadata.name/namespace). */
function supportedFields(s: ResourceStrategy): string[] | undefined {
  if (!s.selectableFields) return undefined;
  try {
    return Object.keys(s.selectableFields({ apiVersion: '', kind: s.kind, metadata: {}, spec: {}, status: {} }));
  } catch {
    return undefined;
  }
}

export function buildFilter(s: ResourceStrategy, q: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): ObjectFilter {
  let labels: LabelSelector;
  let fields: FieldSelector;
  try {
    labels = parseLabelSelector(q.labelSelector ?? '');
  } catch (err) {
    if (err instanceof LabelSelectorError) throw errors.badRequest(err.message);
    throw err;
  }
  try {
    fields = parseFieldSelector(q.fieldSelector ?? '');
    checkFieldLabels(fields, supportedFields(s));
  } catch (err) {
    if (err instanceof FieldSelectorError) throw errors.badRequest(err.message);
    throw err;
  }
  const nameTerm = fields.terms.find((t) => t.field === 'metadata.name' && t.operator !== '!=');
  const filter: ObjectFilter = {
    labels,
    fields,
    matches: (obj) => matchesLabels(labels, obj.metadata.labels) && (fields.terms.length === 0 || matchesFields(fields, fieldsOf(s, obj))),
  };
  if (nameTerm) filter.name = nameTerm.value;
  return filter;
}

export async function listObjects(
  storage: ObjectStorage,
  cache: WatchCache | undefined,
  s: ResourceStrategy,
  namespace: string | undefined,
  q: ListQuery,
): Promise<ListResult> {
  const filter = buildFilter(s, q);
  const prefix = listPrefix(s.plural, s.namespaced ? namespace : undefined);
  const rv = q.resourceVersion ?? '';
  const match = q.resourceVersionMatch ?? '';
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && rv === '') throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (rv !== '' && !/^\d+$/.test(rv)) throw errors.badRequest(`Invalid value: "${rv}": resourceVersion must be a number`);

  if (q.continue) return listFromStore(storage, s, prefix, filter, q.limit, continueStart(q.continue, resourcePrefix(s.plural), prefix));
  if (rv !== '' && match === 'Exact') {
    if (rv === '0') throw errors.badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
    return listFromStore(storage, s, prefix, filter, q.limit, { revision: rv });
  }
  if (rv !== '' && cache) {
    await cache.ready();
    if (rv !== '0' && !(await cache.waitFor(BigInt(rv), FRESHNESS_WAIT_MS))) {
      throw errors.timeout(`Too large resource version: ${rv}, current: ${cache.revision}`);
    }
    // The cache answers the whole list at once: Kubernetes too ignores limit here.
    const items = cache.list(prefix).filter(filter.matches);
    return { items, resourceVersion: String(cache.revision) };
  }
  return listFromStore(storage, s, prefix, filter, q.limit, {});
}

function continueStart(token: string, keyPrefix: string, listPrefixKey: string): { revision: string; startKey: string } {
  try {
    const c = decodeContinue(token, keyPrefix);
    if (!c.fromKey.startsWith(listPrefixKey)) throw errors.badRequest('continue key is not valid: the token does not belong to this list');
    return { revision: c.resourceVersion > 0 ? String(c.resourceVersion) : '', startKey: c.fromKey };
  } catch (err) {
    if (err instanceof ContinueTokenError) throw errors.badRequest(err.message);
    throw err;
  }
}

async function listFromStore(
  storage: ObjectStorage,
  s: ResourceStrategy,
  prefix: string,
  filter: ObjectFilter,
  limit: number | undefined,
  from: { revision?: string; startKey?: string },
): Promise<ListResult> {
  const items: KubeObject[] = [];
  let revision = from.revision || undefined;
  let startKey = from.startKey;
  const want = limit && limit > 0 ? limit : undefined;
  try {
    for (;;) {
      // Read a little more than needed when filtering, so that selective lists take few round trips.
      const pageSize = want ? Math.max(want - items.length, filter.labels.requirements.length + filter.fields.terms.length > 0 ? 2 * want : 0) : 1_000;
      const page = await storage.list(prefix, { revision, startKey, limit: pageSize });
      revision = page.revision;
      for (const o of page.objects) {
        if (!filter.matches(o.object)) continue;
        items.push(o.object);
        if (want && items.length === want) {
          const lastKey = keyOfItem(s, o.object);
          const more = page.nextKey !== undefined || page.objects[page.objects.length - 1] !== o;
          if (!more) return { items, resourceVersion: revision };
          return {
            items,
            resourceVersion: revision,
            continue: encodeContinue(lastKey + '\u0000', resourcePrefix(s.plural), Number(revision)),
            ...(filter.labels.requirements.length + filter.fields.terms.length === 0 && page.remaining !== undefined
              ? { remainingItemCount: page.remaining + (page.objects.length - 1 - page.objects.indexOf(o)) }
              : {}),
          };
        }
      }
      if (!page.nextKey) return { items, resourceVersion: revision };
      startKey = page.nextKey;
    }
  } catch (err) {
    if (err instanceof CompactedError) {
      throw errors.expired(from.startKey ? CONTINUE_EXPIRED_MESSAGE : `too old resource version: ${from.revision}`);
    }
    throw err;
  }
}

function keyOfItem(s: ResourceStrategy, obj: KubeObject): string {
  return s.namespaced ? `${resourcePrefix(s.plural)}${obj.metadata.namespace}/${obj.metadata.name}` : `${resourcePrefix(s.plural)}${obj.metadata.name}`;
}
