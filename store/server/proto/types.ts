// TypeScript shapes of the etcd v3 messages, exactly as `load.ts` decodes them:
// snake_case names as in the .proto files, every field present (defaults: true),
// 64-bit integers as decimal strings, bytes as Buffer, enums as their names, and
// each oneof's virtual field naming the member that is set.
//
// Why strings for 64-bit integers: lease ids, member ids and cluster ids are random
// 64-bit numbers that routinely exceed 2^53; a JS number would silently round them.
// Revisions are strings too so that there is one rule, not two.
//
// Each type is the *decoded* form (what a receiver gets). What a sender may pass is
// `Input<T>`: every field optional, bytes as any Uint8Array.

/** A signed 64-bit integer as a decimal string, e.g. "-1" or "7587870000000000001". */
export type Int64 = string;
/** An unsigned 64-bit integer as a decimal string. */
export type Uint64 = string;

/**
 * What the encoder accepts for a message of decoded type T: any field may be left out
 * (it encodes as the proto3 default), bytes may be any Uint8Array. Strings for bytes are
 * deliberately not allowed: protobufjs would read them as base64.
 */
export type Input<T> = T extends Uint8Array
  ? Uint8Array
  : T extends readonly (infer E)[]
    ? readonly Input<E>[]
    : T extends object
      ? { [K in keyof T]?: Input<T[K]> }
      : T;

// ------------------------------------------------------------------ mvccpb

export interface KeyValue {
  key: Buffer;
  create_revision: Int64;
  mod_revision: Int64;
  version: Int64;
  value: Buffer;
  lease: Int64;
}

export type EventType = 'PUT' | 'DELETE';

export interface Event {
  type: EventType;
  /** Absent only if the sender left it out; etcd always sets it. */
  kv: KeyValue | null;
  prev_kv: KeyValue | null;
}

// ------------------------------------------------------------------ common

export interface ResponseHeader {
  cluster_id: Uint64;
  member_id: Uint64;
  revision: Int64;
  raft_term: Uint64;
}

// ------------------------------------------------------------------ KV

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Buffer;
  range_end: Buffer;
  limit: Int64;
  revision: Int64;
  sort_order: SortOrder;
  sort_target: SortTarget;
  serializable: boolean;
  keys_only: boolean;
  count_only: boolean;
  min_mod_revision: Int64;
  max_mod_revision: Int64;
  min_create_revision: Int64;
  max_create_revision: Int64;
}

export interface RangeResponse {
  header: ResponseHeader | null;
  kvs: KeyValue[];
  more: boolean;
  count: Int64;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  lease: Int64;
  prev_kv: boolean;
  ignore_value: boolean;
  ignore_lease: boolean;
}

export interface PutResponse {
  header: ResponseHeader | null;
  prev_kv: KeyValue | null;
}

export interface DeleteRangeRequest {
  key: Buffer;
  range_end: Buffer;
  prev_kv: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader | null;
  deleted: Int64;
  prev_kvs: KeyValue[];
}

/** Exactly one member is set; `request` names it (absent if none was sent). */
export type RequestOp =
  | { request: 'request_range'; request_range: RangeRequest }
  | { request: 'request_put'; request_put: PutRequest }
  | { request: 'request_delete_range'; request_delete_range: DeleteRangeRequest }
  | { request: 'request_txn'; request_txn: TxnRequest }
  | { request?: undefined };

export type ResponseOp =
  | { response: 'response_range'; response_range: RangeResponse }
  | { response: 'response_put'; response_put: PutResponse }
  | { response: 'response_delete_range'; response_delete_range: DeleteRangeResponse }
  | { response: 'response_txn'; response_txn: TxnResponse }
  | { response?: undefined };

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

interface CompareCommon {
  result: CompareResult;
  target: CompareTarget;
  key: Buffer;
  range_end: Buffer;
}

/** The operand lives in the oneof `target_union`; which member is set should match `target`. */
export type Compare = CompareCommon &
  (
    | { target_union: 'version'; version: Int64 }
    | { target_union: 'create_revision'; create_revision: Int64 }
    | { target_union: 'mod_revision'; mod_revision: Int64 }
    | { target_union: 'value'; value: Buffer }
    | { target_union: 'lease'; lease: Int64 }
    | { target_union?: undefined }
  );

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader | null;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: Int64;
  physical: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader | null;
}

// ------------------------------------------------------------------ Watch

export type FilterType = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  key: Buffer;
  range_end: Buffer;
  start_revision: Int64;
  progress_notify: boolean;
  filters: FilterType[];
  prev_kv: boolean;
  watch_id: Int64;
  fragment: boolean;
}

export interface WatchCancelRequest {
  watch_id: Int64;
}

export type WatchProgressRequest = Record<string, never>;

export type WatchRequest =
  | { request_union: 'create_request'; create_request: WatchCreateRequest }
  | { request_union: 'cancel_request'; cancel_request: WatchCancelRequest }
  | { request_union: 'progress_request'; progress_request: WatchProgressRequest }
  | { request_union?: undefined };

export interface WatchResponse {
  header: ResponseHeader | null;
  watch_id: Int64;
  created: boolean;
  canceled: boolean;
  compact_revision: Int64;
  cancel_reason: string;
  fragment: boolean;
  events: Event[];
}

// ------------------------------------------------------------------ Lease

export interface LeaseGrantRequest {
  TTL: Int64;
  ID: Int64;
}

export interface LeaseGrantResponse {
  header: ResponseHeader | null;
  ID: Int64;
  TTL: Int64;
  error: string;
}

export interface LeaseRevokeRequest {
  ID: Int64;
}

export interface LeaseRevokeResponse {
  header: ResponseHeader | null;
}

export interface LeaseKeepAliveRequest {
  ID: Int64;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader | null;
  ID: Int64;
  TTL: Int64;
}

export interface LeaseTimeToLiveRequest {
  ID: Int64;
  keys: boolean;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader | null;
  ID: Int64;
  TTL: Int64;
  grantedTTL: Int64;
  keys: Buffer[];
}

export type LeaseLeasesRequest = Record<string, never>;

export interface LeaseStatus {
  ID: Int64;
}

export interface LeaseLeasesResponse {
  header: ResponseHeader | null;
  leases: LeaseStatus[];
}

// ------------------------------------------------------------------ Cluster

export interface Member {
  ID: Uint64;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberAddRequest {
  peerURLs: string[];
  isLearner: boolean;
}

export interface MemberAddResponse {
  header: ResponseHeader | null;
  member: Member | null;
  members: Member[];
}

export interface MemberRemoveRequest {
  ID: Uint64;
}

export interface MemberRemoveResponse {
  header: ResponseHeader | null;
  members: Member[];
}

export interface MemberUpdateRequest {
  ID: Uint64;
  peerURLs: string[];
}

export interface MemberUpdateResponse {
  header: ResponseHeader | null;
  members: Member[];
}

export interface MemberListRequest {
  linearizable: boolean;
}

export interface MemberListResponse {
  header: ResponseHeader | null;
  members: Member[];
}

export interface MemberPromoteRequest {
  ID: Uint64;
}

export interface MemberPromoteResponse {
  header: ResponseHeader | null;
  members: Member[];
}

// ------------------------------------------------------------------ Maintenance

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';
export type AlarmAction = 'GET' | 'ACTIVATE' | 'DEACTIVATE';

export interface AlarmRequest {
  action: AlarmAction;
  memberID: Uint64;
  alarm: AlarmType;
}

export interface AlarmMember {
  memberID: Uint64;
  alarm: AlarmType;
}

export interface AlarmResponse {
  header: ResponseHeader | null;
  alarms: AlarmMember[];
}

export type StatusRequest = Record<string, never>;

export interface StatusResponse {
  header: ResponseHeader | null;
  version: string;
  dbSize: Int64;
  leader: Uint64;
  raftIndex: Uint64;
  raftTerm: Uint64;
  raftAppliedIndex: Uint64;
  errors: string[];
  dbSizeInUse: Int64;
  isLearner: boolean;
}

export type DefragmentRequest = Record<string, never>;

export interface DefragmentResponse {
  header: ResponseHeader | null;
}

export type HashRequest = Record<string, never>;

export interface HashResponse {
  header: ResponseHeader | null;
  hash: number;
}

export interface HashKVRequest {
  revision: Int64;
}

export interface HashKVResponse {
  header: ResponseHeader | null;
  hash: number;
  compact_revision: Int64;
}

export type SnapshotRequest = Record<string, never>;

export interface SnapshotResponse {
  header: ResponseHeader | null;
  remaining_bytes: Uint64;
  blob: Buffer;
}

export interface MoveLeaderRequest {
  targetID: Uint64;
}

export interface MoveLeaderResponse {
  header: ResponseHeader | null;
}

export type DowngradeAction = 'VALIDATE' | 'ENABLE' | 'CANCEL';

export interface DowngradeRequest {
  action: DowngradeAction;
  version: string;
}

export interface DowngradeResponse {
  header: ResponseHeader | null;
  version: string;
}

// ------------------------------------------------------------------ v3lockpb

export interface LockRequest {
  name: Buffer;
  lease: Int64;
}

export interface LockResponse {
  header: ResponseHeader | null;
  key: Buffer;
}

export interface UnlockRequest {
  key: Buffer;
}

export interface UnlockResponse {
  header: ResponseHeader | null;
}

// ------------------------------------------------------------------ v3electionpb

export interface LeaderKey {
  name: Buffer;
  key: Buffer;
  rev: Int64;
  lease: Int64;
}

export interface CampaignRequest {
  name: Buffer;
  lease: Int64;
  value: Buffer;
}

export interface CampaignResponse {
  header: ResponseHeader | null;
  leader: LeaderKey | null;
}

export interface LeaderRequest {
  name: Buffer;
}

export interface LeaderResponse {
  header: ResponseHeader | null;
  kv: KeyValue | null;
}

export interface ResignRequest {
  leader: LeaderKey | null;
}

export interface ResignResponse {
  header: ResponseHeader | null;
}

export interface ProclaimRequest {
  leader: LeaderKey | null;
  value: Buffer;
}

export interface ProclaimResponse {
  header: ResponseHeader | null;
}
