// A revision names one change in the keyspace: `main` is the store-wide revision of the
// transaction (what clients see as a revision), `sub` orders the changes within it.

export interface Revision {
  main: number;
  sub: number;
}

export function compareRevision(a: Revision, b: Revision): number {
  return a.main !== b.main ? a.main - b.main : a.sub - b.sub;
}

export function revisionKey(r: Revision): string {
  return `${r.main}_${r.sub}`;
}
