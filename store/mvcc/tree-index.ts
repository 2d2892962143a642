// Every key's history (KeyIndex), ordered by key: answers "which revision holds key K (or the
// keys in [A, B)) as of revision R" without touching the stored values.

import { BTree } from './btree.js';
import { KeyIndex, type KeyAt } from './key-index.js';
import type { KeyRange, KeyString } from './keys.js';
import type { Revision } from './revision.js';

export interface RangeResult {
  keys: KeyString[];
  revs: Revision[];
  /** Keys in the range that exist at the revision, counted past any limit. */
  total: number;
}

export class TreeIndex {
  private readonly tree: BTree<KeyString, KeyIndex> = new BTree<KeyString, KeyIndex>();

  get(key: KeyString, atRev: number): KeyAt | undefined {
    return this.tree.get(key)?.get(atRev);
  }

  put(key: KeyString, rev: Revision): void {
    this.keyIndex(key).put(rev);
  }

  tombstone(key: KeyString, rev: Revision): void {
    const ki = this.tree.get(key);
    if (!ki) throw new Error(`tombstone of a key that is not indexed: ${key}`);
    ki.tombstone(rev);
  }

  /** Re-create a key from a stored version (used when loading a snapshot). */
  restore(key: KeyString, created: Revision, modified: Revision, version: number): void {
    const ki = this.tree.get(key);
    if (ki) ki.put(modified);
    else {
      const fresh = new KeyIndex(key);
      fresh.restore(created, modified, version);
      this.tree.set(key, fresh);
    }
  }

  /** Keys in range at atRev with the revision holding each; at most `limit` (0 = all) are returned. */
  range(r: KeyRange, atRev: number, limit = 0): RangeResult {
    const out: RangeResult = { keys: [], revs: [], total: 0 };
    this.visit(r, (ki) => {
      const at = ki.get(atRev);
      if (!at) return;
      out.total++;
      if (limit > 0 && out.keys.length >= limit) return;
      out.keys.push(ki.key);
      out.revs.push(at.modified);
    });
    return out;
  }

  /** Forget history older than atRev; returns the revisions (as revisionKey) that must be kept. */
  compact(atRev: number): Set<string> {
    const available = new Set<string>();
    const emptied: KeyString[] = [];
    for (const [key, ki] of this.tree.entries()) {
      ki.compact(atRev, available);
      if (ki.isEmpty()) emptied.push(key);
    }
    this.tree.deleteKeys(emptied);
    return available;
  }

  /** The revisions compact(atRev) would keep. */
  keep(atRev: number): Set<string> {
    const available = new Set<string>();
    for (const ki of this.tree.values()) ki.keep(atRev, available);
    return available;
  }

  size(): number {
    return this.tree.size;
  }

  private keyIndex(key: KeyString): KeyIndex {
    let ki = this.tree.get(key);
    if (!ki) {
      ki = new KeyIndex(key);
      this.tree.set(key, ki);
    }
    return ki;
  }

  private visit(r: KeyRange, f: (ki: KeyIndex) => void): void {
    switch (r.kind) {
      case 'single': {
        const ki = this.tree.get(r.key);
        if (ki) f(ki);
        return;
      }
      case 'from':
        for (const [, ki] of this.tree.entries(r.key)) f(ki);
        return;
      case 'range':
        if (r.end <= r.key) return;
        this.tree.forRange(r.key, r.end, false, (_k, ki) => f(ki));
        return;
    }
  }
}
