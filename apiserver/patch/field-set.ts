// A set of field paths, stored as a tree the way structured-merge-diff stores it: at every level,
// `members` are the paths that end here, `children` the subtrees under a path element. A path can be
// both (a list element that is owned and also has owned fields): fieldsV1 writes that as ".": {}.
//
// This is what server-side apply keeps per manager in metadata.managedFields[].fieldsV1, e.g.
//   {"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}

import type { JsonObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import { comparePathElements, elementFromFieldsV1Key, elementToFieldsV1Key, type Path, type PathElement } from './field-path.js';
import { isJsonObject } from './json-value.js';

export class FieldSet {
  /** Path elements that end a path at this level, by their fieldsV1 key. */
  private readonly members = new Map<string, PathElement>();
  /** Non-empty subtrees, by the fieldsV1 key of their path element. */
  private readonly children = new Map<string, { element: PathElement; set: FieldSet }>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path. The empty path (the object itself) is never a member, as in structured-merge-diff. */
  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.childFor(path[i]!);
    const last = path[path.length - 1]!;
    node.members.set(elementToFieldsV1Key(last), last);
  }

  private childFor(e: PathElement): FieldSet {
    const k = elementToFieldsV1Key(e);
    let entry = this.children.get(k);
    if (!entry) {
      entry = { element: e, set: new FieldSet() };
      this.children.set(k, entry);
    }
    return entry.set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(elementToFieldsV1Key(path[i]!))?.set;
    return node !== undefined && node.members.has(elementToFieldsV1Key(path[path.length - 1]!));
  }

  isEmpty(): boolean {
    return this.members.size === 0 && [...this.children.values()].every((c) => c.set.isEmpty());
  }

  /** The subtree below one path element (empty when there is none). */
  withPrefix(e: PathElement): FieldSet {
    return this.children.get(elementToFieldsV1Key(e))?.set ?? new FieldSet();
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const [k, e] of other.members) out.members.set(k, e);
    for (const [k, c] of other.children) {
      const mine = out.children.get(k);
      out.children.set(k, { element: c.element, set: mine ? mine.set.union(c.set) : c.set.copy() });
    }
    return out;
  }

  /** Paths in this set and not in `other` (non-recursive: a member of other removes only that path). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.members) if (!other.members.has(k)) out.members.set(k, e);
    for (const [k, c] of this.children) {
      const theirs = other.children.get(k);
      const rest = theirs ? c.set.difference(theirs.set) : c.set.copy();
      if (!rest.isEmpty()) out.children.set(k, { element: c.element, set: rest });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.members) if (other.members.has(k)) out.members.set(k, e);
    for (const [k, c] of this.children) {
      const theirs = other.children.get(k);
      if (!theirs) continue;
      const both = c.set.intersection(theirs.set);
      if (!both.isEmpty()) out.children.set(k, { element: c.element, set: both });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(other.toFieldsV1());
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.members) out.members.set(k, e);
    for (const [k, c] of this.children) out.children.set(k, { element: c.element, set: c.set.copy() });
    return out;
  }

  /** Every path, in structured-merge-diff's order: a level's members (sorted), then its children (sorted). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const e of sortElements([...this.members.values()])) out.push([...prefix, e]);
    for (const c of sortEntries([...this.children.values()])) out.push(...c.set.paths([...prefix, c.element]));
    return out;
  }

  /**
   * Structured-merge-diff's EnsureNamedFieldsAreMembers: a struct field that only appears as the
   * parent of owned fields is counted as owned itself (maps' keys and list elements are not).
   * Pruning uses it so that removing an owned field's parent struct is decided like a field.
   */
  withNamedFieldsAsMembers(schema: Schema | undefined): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.members) out.members.set(k, e);
    for (const [k, c] of this.children) {
      const e = c.element;
      const childSchema = 'field' in e ? schema?.properties?.[e.field] ?? objectValueSchema(schema) : schema?.items;
      if ('field' in e && schema?.properties?.[e.field]) out.members.set(k, e);
      out.children.set(k, { element: e, set: c.set.withNamedFieldsAsMembers(childSchema) });
    }
    return out;
  }

  /** The fieldsV1 JSON: keys sorted as structured-merge-diff sorts path elements. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const all = new Map<string, PathElement>();
    for (const [k, e] of this.members) all.set(k, e);
    for (const [k, c] of this.children) if (!c.set.isEmpty()) all.set(k, c.element);
    for (const e of sortElements([...all.values()])) {
      const k = elementToFieldsV1Key(e);
      const child = this.children.get(k);
      if (child && !child.set.isEmpty()) {
        const inner = child.set.toFieldsV1();
        out[k] = this.members.has(k) ? { '.': {}, ...inner } : inner;
      } else {
        out[k] = {};
      }
    }
    return out;
  }

  /** Reads fieldsV1; throws on a key it cannot parse (the caller decides what a bad entry means). */
  static fromFieldsV1(fields: unknown): FieldSet {
    const out = new FieldSet();
    if (!isJsonObject(fields)) throw new Error('fieldsV1 is not an object');
    for (const [k, v] of Object.entries(fields)) {
      if (k === '.') continue;
      const e = elementFromFieldsV1Key(k);
      if (!e) throw new Error(`unknown fieldsV1 key ${JSON.stringify(k)}`);
      const inner = FieldSet.fromFieldsV1(v);
      const isMember = !isJsonObject(v) || Object.keys(v).length === 0 || '.' in v;
      if (isMember) out.members.set(k, e);
      if (!inner.isEmpty()) out.children.set(k, { element: e, set: inner });
    }
    return out;
  }
}

function objectValueSchema(schema: Schema | undefined): Schema | undefined {
  return typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function sortElements(es: PathElement[]): PathElement[] {
  return es.sort(comparePathElements);
}

function sortEntries<T extends { element: PathElement }>(es: T[]): T[] {
  return es.sort((a, b) => comparePathElements(a.element, b.element));
}
