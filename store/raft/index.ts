// Public surface of the Raft core. Hosts import from here; everything else is internal.

export * from './types.js';
export { MemoryStorage, type Storage, type InitialState } from './storage.js';
export { RawNode, bootstrap, type Status, type ProgressStatus, type SnapshotStatus } from './rawnode.js';
export { seededRandom, silentLogger, type RaftConfig, type RaftLogger } from './raft.js';
export { encodeConfChange, decodeConfChange } from './confchange-codec.js';
export { ConfChangeError } from './confchange.js';
