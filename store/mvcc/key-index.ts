// The history of one key, as etcd keeps it: a list of generations. A generation runs from the
// put that created the key to the delete (tombstone) that ended it; the last generation is the
// live one (or empty, after a delete). This is what makes "the key at revision R" cheap to answer
// and tells compaction which old versions may go.
//
//   put@2 put@4 del@6 | put@8 put@9      generations: [{created 2, revs 2,4,6}, {created 8, revs 8,9}]
//   at rev 5: version 2 (mod 4), at rev 7: absent, at rev 9: version 2 of the second generation

import { compareRevision, revisionKey, type Revision } from './revision.js';

export interface Generation {
  /** Number of puts in this generation, including ones already compacted away. */
  version: number;
  created: Revision;
  /** Every surviving revision of this generation, in order; a tombstone, if any, is last. */
  revs: Revision[];
}

export interface KeyAt {
  modified: Revision;
  created: Revision;
  version: number;
}

const emptyGeneration = (): Generation => ({ version: 0, created: { main: 0, sub: 0 }, revs: [] });

export class KeyIndex {
  readonly key: string;
  /** The latest revision of any change to this key. */
  modified: Revision = { main: 0, sub: 0 };
  generations: Generation[] = [];

  constructor(key: string) {
    this.key = key;
  }

  put(rev: Revision): void {
    if (compareRevision(rev, this.modified) <= 0) {
      throw new Error(`'put' with an unexpected smaller revision (given ${rev.main}_${rev.sub}, modified ${this.modified.main}_${this.modified.sub})`);
    }
    if (this.generations.length === 0) this.generations.push(emptyGeneration());
    const g = this.generations[this.generations.length - 1]!;
    if (g.revs.length === 0) g.created = rev; // the first put of a new generation creates the key
    g.revs.push(rev);
    g.version++;
    this.modified = rev;
  }

  /** Rebuild a key from a stored version whose earlier history may have been compacted. */
  restore(created: Revision, modified: Revision, version: number): void {
    if (this.generations.length > 0) throw new Error("'restore' got an unexpected non-empty generations");
    this.modified = modified;
    this.generations = [{ version, created, revs: [modified] }];
  }

  /** Record a deletion: it ends the current generation and starts an empty one. */
  tombstone(rev: Revision): void {
    if (this.isEmpty()) throw new Error(`'tombstone' got an unexpected empty keyIndex for ${this.key}`);
    if (this.generations[this.generations.length - 1]!.revs.length === 0) throw new RevisionNotFoundError();
    this.put(rev);
    this.generations.push(emptyGeneration());
  }

  /** The key's state as of revision `atRev`, or undefined when it did not exist then. */
  get(atRev: number): KeyAt | undefined {
    const g = this.findGeneration(atRev);
    if (!g) return undefined;
    // The last revision of the generation at or before atRev.
    for (let n = g.revs.length - 1; n >= 0; n--) {
      if (g.revs[n]!.main <= atRev) {
        return { modified: g.revs[n]!, created: g.created, version: g.version - (g.revs.length - n - 1) };
      }
    }
    return undefined;
  }

  /**
   * Forget history older than atRev: keep, per key, the newest revision at or before atRev (the
   * value a read at atRev must still see) unless it is a tombstone, and everything after it.
   * Revisions that must be kept are added to `available`.
   */
  compact(atRev: number, available: Set<string>): void {
    if (this.isEmpty()) throw new Error(`'compact' got an unexpected empty keyIndex for ${this.key}`);
    const { genIdx, revIdx } = this.findCompactPoint(atRev, available);
    let first = genIdx;
    const g = this.generations[genIdx]!;
    if (g.revs.length > 0) {
      if (revIdx !== -1) g.revs = g.revs.slice(revIdx);
      // A generation reduced to its tombstone is over: nothing in it is visible at atRev or later.
      if (g.revs.length === 1 && genIdx !== this.generations.length - 1) {
        available.delete(revisionKey(g.revs[0]!));
        first++;
      }
    }
    this.generations = this.generations.slice(first);
  }

  /** What compact(atRev) would keep, without changing anything (for hashing). */
  keep(atRev: number, available: Set<string>): void {
    if (this.isEmpty()) return;
    const { genIdx, revIdx } = this.findCompactPoint(atRev, available);
    const g = this.generations[genIdx]!;
    if (g.revs.length > 0 && revIdx === g.revs.length - 1 && genIdx !== this.generations.length - 1) {
      // The kept revision is the generation's tombstone: it would be removed.
      available.delete(revisionKey(g.revs[revIdx]!));
    }
  }

  isEmpty(): boolean {
    return this.generations.length === 1 && this.generations[0]!.revs.length === 0;
  }

  /**
   * The generation that compaction at atRev starts from (the first one not entirely before it),
   * and in it the index of the newest revision at or before atRev (-1 if none), which is marked
   * available.
   */
  private findCompactPoint(atRev: number, available: Set<string>): { genIdx: number; revIdx: number } {
    let genIdx = 0;
    while (genIdx < this.generations.length - 1) {
      const g = this.generations[genIdx]!;
      const tomb = g.revs[g.revs.length - 1]!.main;
      if (tomb > atRev) break;
      genIdx++;
    }
    const g = this.generations[genIdx]!;
    for (let i = g.revs.length - 1; i >= 0; i--) {
      if (g.revs[i]!.main <= atRev) {
        available.add(revisionKey(g.revs[i]!));
        return { genIdx, revIdx: i };
      }
    }
    return { genIdx, revIdx: -1 };
  }

  /** The generation alive at revision rev, or undefined when the key did not exist then. */
  private findGeneration(rev: number): Generation | undefined {
    const last = this.generations.length - 1;
    for (let i = last; i >= 0; i--) {
      const g = this.generations[i]!;
      if (g.revs.length === 0) continue;
      if (i !== last) {
        // A closed generation: its last revision is the tombstone.
        if (g.revs[g.revs.length - 1]!.main <= rev) return undefined;
      }
      if (g.revs[0]!.main <= rev) return g;
    }
    return undefined;
  }
}

export class RevisionNotFoundError extends Error {
  constructor() {
    super('mvcc: revision not found');
    this.name = 'RevisionNotFoundError';
  }
}
