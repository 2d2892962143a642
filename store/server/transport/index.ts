// Public surface of the peer transport. The store server imports from here.

export { PeerTransport } from './transport.js';
export {
  DEFAULT_TUNING,
  type PeerMembersInfo,
  type PeerStats,
  type PeerTransportOptions,
  type RejectReason,
  type TransportLogger,
  type TransportStats,
  type TransportTuning,
} from './types.js';
export { CodecError } from './wire.js';
