// The stable log as the core sees it: whatever the host has already persisted.
//
// The core reads it synchronously, so hosts keep the persisted tail in memory (MemoryStorage) and
// write the same entries to disk beside it. After a restart the host fills a MemoryStorage from
// disk before it creates the core: the core then starts exactly where the disk says.

import {
  CompactedError,
  SnapshotOutOfDateError,
  UnavailableError,
  emptySnapshot,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

export interface InitialState {
  hardState: HardState;
  confState: ConfState;
}

/** Read access to persisted Raft state. Errors: CompactedError, UnavailableError. */
export interface Storage {
  initialState(): InitialState;
  /** Entries in [lo, hi), cut so their total data size stays within maxSize (at least one entry). */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  /** Term of the entry at index i; i may be the snapshot's index (firstIndex() - 1). */
  term(i: number): number;
  lastIndex(): number;
  /** The first index still held as an entry (the snapshot's index + 1). */
  firstIndex(): number;
  snapshot(): Snapshot;
}

/** The longest prefix of ents whose size fits maxSize, but never fewer than one entry. */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = ents[0]!.data.length + 16;
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += ents[limit]!.data.length + 16;
    if (size > maxSize) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

/**
 * An in-memory Storage. `ents[0]` is a sentinel holding the snapshot's index and term, so the
 * term of the entry just before the first real one is always known.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array() }];

  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  hardStateNow(): HardState {
    return { ...this.hardState };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    // Only the sentinel: nothing to return.
    if (this.ents.length === 1) throw new UnavailableError();
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw new CompactedError();
    if (i - offset >= this.ents.length) throw new UnavailableError();
    return this.ents[i - offset]!.term;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replace everything with the snapshot (a follower receiving one, or a restore). */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new SnapshotOutOfDateError();
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: new Uint8Array() }];
  }

  /**
   * Record a snapshot of the host's state at applied index i (i <= the last applied index).
   * The log is not compacted here: call compact() when the entries are no longer needed.
   */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new SnapshotOutOfDateError();
    const offset = this.ents[0]!.index;
    if (i > this.lastIndex()) {
      throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    this.snap = {
      metadata: {
        index: i,
        term: this.ents[i - offset]!.term,
        confState: confState ?? this.snap.metadata.confState,
      },
      data,
    };
    return this.snap;
  }

  /** Drop entries up to and including compactIndex; they must already be in a snapshot. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new CompactedError();
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const sentinel: Entry = { term: this.ents[i]!.term, index: this.ents[i]!.index, type: 'normal', data: new Uint8Array() };
    this.ents = [sentinel, ...this.ents.slice(i + 1)];
  }

  /**
   * Persist entries. Entries that overlap the held log replace it from the first overlapping index
   * on (a new leader overwrote an uncommitted suffix); entries already compacted are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    let ents = entries as Entry[];
    if (first > ents[0]!.index) ents = ents.slice(first - ents[0]!.index);
    const offset = ents[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${ents[0]!.index}]`);
    }
    // In place: copying the whole held log on every append made each Ready cost O(log length),
    // and the log holds up to --snapshot-count entries. Nothing outside holds this array (entries()
    // hands out copies), so truncating and pushing is safe.
    if (offset < this.ents.length) this.ents.length = offset;
    for (const e of ents) this.ents.push(e);
  }
}
