// Loads kube-lite's etcd v3 .proto files at run time and hands out typed grpc-js
// service definitions, usable both by a server (`server.addService(etcdServices.KV, impl)`)
// and by a client (`client.makeUnaryRequest(def.path, def.requestSerialize, ...)`).
//
// The decoding options are part of the contract described in types.ts: snake_case field
// names, 64-bit integers as decimal strings, bytes as Buffer, enums by name, every field
// present, oneofs named. Change them and every consumer's types become lies.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type * as T from './types.js';

export type * from './types.js';

/** The options every etcd message is encoded and decoded with (see the file comment). */
export const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
} satisfies protoLoader.Options;

/** The .proto files, relative to the proto root (also the import root). */
export const PROTO_FILES = [
  'mvccpb/kv.proto',
  'etcdserverpb/rpc.proto',
  'v3lockpb/v3lock.proto',
  'v3electionpb/v3election.proto',
] as const;

/**
 * Where the .proto files are. From source (vitest, tsx) they sit next to this module.
 * From the compiled `dist/store/server/proto/load.js` they do too if the build copied them;
 * otherwise we fall back to the source tree, four levels up from the compiled file.
 * `KUBE_LITE_PROTO_DIR` overrides both, for packagings we do not foresee.
 */
export function protoRoot(): string {
  const candidates = [
    process.env['KUBE_LITE_PROTO_DIR'],
    fileURLToPath(new URL('./', import.meta.url)),
    fileURLToPath(new URL('../../../../store/server/proto/', import.meta.url)),
  ];
  for (const dir of candidates) {
    if (dir && existsSync(`${dir.replace(/\/?$/, '/')}etcdserverpb/rpc.proto`)) return dir;
  }
  throw new Error(
    `etcd .proto files not found; looked in: ${candidates.filter(Boolean).join(', ')}. ` +
      'Copy store/server/proto/**/*.proto next to load.js or set KUBE_LITE_PROTO_DIR.',
  );
}

/**
 * One etcd method as both ends see it. The client encodes `Input<Req>` and decodes `Res`;
 * the server decodes `Req` and encodes `Input<Res>`. Both views are true of the same
 * runtime object because decoding fills every field and encoding tolerates missing ones.
 */
export interface EtcdMethod<Req, Res> {
  /** e.g. "/etcdserverpb.KV/Range" */
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  originalName?: string;
  requestSerialize: (value: T.Input<Req>) => Buffer;
  requestDeserialize: (bytes: Buffer) => Req;
  responseSerialize: (value: T.Input<Res>) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

export type KVService = {
  Range: EtcdMethod<T.RangeRequest, T.RangeResponse>;
  Put: EtcdMethod<T.PutRequest, T.PutResponse>;
  DeleteRange: EtcdMethod<T.DeleteRangeRequest, T.DeleteRangeResponse>;
  Txn: EtcdMethod<T.TxnRequest, T.TxnResponse>;
  Compact: EtcdMethod<T.CompactionRequest, T.CompactionResponse>;
};

export type WatchService = {
  Watch: EtcdMethod<T.WatchRequest, T.WatchResponse>;
};

export type LeaseService = {
  LeaseGrant: EtcdMethod<T.LeaseGrantRequest, T.LeaseGrantResponse>;
  LeaseRevoke: EtcdMethod<T.LeaseRevokeRequest, T.LeaseRevokeResponse>;
  LeaseKeepAlive: EtcdMethod<T.LeaseKeepAliveRequest, T.LeaseKeepAliveResponse>;
  LeaseTimeToLive: EtcdMethod<T.LeaseTimeToLiveRequest, T.LeaseTimeToLiveResponse>;
  LeaseLeases: EtcdMethod<T.LeaseLeasesRequest, T.LeaseLeasesResponse>;
};

export type ClusterService = {
  MemberAdd: EtcdMethod<T.MemberAddRequest, T.MemberAddResponse>;
  MemberRemove: EtcdMethod<T.MemberRemoveRequest, T.MemberRemoveResponse>;
  MemberUpdate: EtcdMethod<T.MemberUpdateRequest, T.MemberUpdateResponse>;
  MemberList: EtcdMethod<T.MemberListRequest, T.MemberListResponse>;
  MemberPromote: EtcdMethod<T.MemberPromoteRequest, T.MemberPromoteResponse>;
};

export type MaintenanceService = {
  Alarm: EtcdMethod<T.AlarmRequest, T.AlarmResponse>;
  Status: EtcdMethod<T.StatusRequest, T.StatusResponse>;
  Defragment: EtcdMethod<T.DefragmentRequest, T.DefragmentResponse>;
  Hash: EtcdMethod<T.HashRequest, T.HashResponse>;
  HashKV: EtcdMethod<T.HashKVRequest, T.HashKVResponse>;
  Snapshot: EtcdMethod<T.SnapshotRequest, T.SnapshotResponse>;
  MoveLeader: EtcdMethod<T.MoveLeaderRequest, T.MoveLeaderResponse>;
  Downgrade: EtcdMethod<T.DowngradeRequest, T.DowngradeResponse>;
};

export type LockService = {
  Lock: EtcdMethod<T.LockRequest, T.LockResponse>;
  Unlock: EtcdMethod<T.UnlockRequest, T.UnlockResponse>;
};

export type ElectionService = {
  Campaign: EtcdMethod<T.CampaignRequest, T.CampaignResponse>;
  Proclaim: EtcdMethod<T.ProclaimRequest, T.ProclaimResponse>;
  Leader: EtcdMethod<T.LeaderRequest, T.LeaderResponse>;
  Observe: EtcdMethod<T.LeaderRequest, T.LeaderResponse>;
  Resign: EtcdMethod<T.ResignRequest, T.ResignResponse>;
};

export interface EtcdServices {
  KV: KVService;
  Watch: WatchService;
  Lease: LeaseService;
  Cluster: ClusterService;
  Maintenance: MaintenanceService;
  Lock: LockService;
  Election: ElectionService;
}

// Handler maps for a server: `server.addService(services.KV, handlers satisfies KVHandlers)`.
type In<M> = T.Input<M>;
export type KVHandlers = {
  Range: grpc.handleUnaryCall<T.RangeRequest, In<T.RangeResponse>>;
  Put: grpc.handleUnaryCall<T.PutRequest, In<T.PutResponse>>;
  DeleteRange: grpc.handleUnaryCall<T.DeleteRangeRequest, In<T.DeleteRangeResponse>>;
  Txn: grpc.handleUnaryCall<T.TxnRequest, In<T.TxnResponse>>;
  Compact: grpc.handleUnaryCall<T.CompactionRequest, In<T.CompactionResponse>>;
};
export type WatchHandlers = {
  Watch: grpc.handleBidiStreamingCall<T.WatchRequest, In<T.WatchResponse>>;
};
export type LeaseHandlers = {
  LeaseGrant: grpc.handleUnaryCall<T.LeaseGrantRequest, In<T.LeaseGrantResponse>>;
  LeaseRevoke: grpc.handleUnaryCall<T.LeaseRevokeRequest, In<T.LeaseRevokeResponse>>;
  LeaseKeepAlive: grpc.handleBidiStreamingCall<T.LeaseKeepAliveRequest, In<T.LeaseKeepAliveResponse>>;
  LeaseTimeToLive: grpc.handleUnaryCall<T.LeaseTimeToLiveRequest, In<T.LeaseTimeToLiveResponse>>;
  LeaseLeases: grpc.handleUnaryCall<T.LeaseLeasesRequest, In<T.LeaseLeasesResponse>>;
};
export type ClusterHandlers = {
  MemberAdd: grpc.handleUnaryCall<T.MemberAddRequest, In<T.MemberAddResponse>>;
  MemberRemove: grpc.handleUnaryCall<T.MemberRemoveRequest, In<T.MemberRemoveResponse>>;
  MemberUpdate: grpc.handleUnaryCall<T.MemberUpdateRequest, In<T.MemberUpdateResponse>>;
  MemberList: grpc.handleUnaryCall<T.MemberListRequest, In<T.MemberListResponse>>;
  MemberPromote: grpc.handleUnaryCall<T.MemberPromoteRequest, In<T.MemberPromoteResponse>>;
};
export type MaintenanceHandlers = {
  Alarm: grpc.handleUnaryCall<T.AlarmRequest, In<T.AlarmResponse>>;
  Status: grpc.handleUnaryCall<T.StatusRequest, In<T.StatusResponse>>;
  Defragment: grpc.handleUnaryCall<T.DefragmentRequest, In<T.DefragmentResponse>>;
  Hash: grpc.handleUnaryCall<T.HashRequest, In<T.HashResponse>>;
  HashKV: grpc.handleUnaryCall<T.HashKVRequest, In<T.HashKVResponse>>;
  Snapshot: grpc.handleServerStreamingCall<T.SnapshotRequest, In<T.SnapshotResponse>>;
  MoveLeader: grpc.handleUnaryCall<T.MoveLeaderRequest, In<T.MoveLeaderResponse>>;
  Downgrade: grpc.handleUnaryCall<T.DowngradeRequest, In<T.DowngradeResponse>>;
};
export type LockHandlers = {
  Lock: grpc.handleUnaryCall<T.LockRequest, In<T.LockResponse>>;
  Unlock: grpc.handleUnaryCall<T.UnlockRequest, In<T.UnlockResponse>>;
};
export type ElectionHandlers = {
  Campaign: grpc.handleUnaryCall<T.CampaignRequest, In<T.CampaignResponse>>;
  Proclaim: grpc.handleUnaryCall<T.ProclaimRequest, In<T.ProclaimResponse>>;
  Leader: grpc.handleUnaryCall<T.LeaderRequest, In<T.LeaderResponse>>;
  Observe: grpc.handleServerStreamingCall<T.LeaderRequest, In<T.LeaderResponse>>;
  Resign: grpc.handleUnaryCall<T.ResignRequest, In<T.ResignResponse>>;
};

/** Fully qualified service names and the methods we promise each one has, with their streaming shape. */
const SHAPES = {
  KV: ['etcdserverpb.KV', { Range: 'unary', Put: 'unary', DeleteRange: 'unary', Txn: 'unary', Compact: 'unary' }],
  Watch: ['etcdserverpb.Watch', { Watch: 'bidi' }],
  Lease: [
    'etcdserverpb.Lease',
    { LeaseGrant: 'unary', LeaseRevoke: 'unary', LeaseKeepAlive: 'bidi', LeaseTimeToLive: 'unary', LeaseLeases: 'unary' },
  ],
  Cluster: [
    'etcdserverpb.Cluster',
    { MemberAdd: 'unary', MemberRemove: 'unary', MemberUpdate: 'unary', MemberList: 'unary', MemberPromote: 'unary' },
  ],
  Maintenance: [
    'etcdserverpb.Maintenance',
    {
      Alarm: 'unary',
      Status: 'unary',
      Defragment: 'unary',
      Hash: 'unary',
      HashKV: 'unary',
      Snapshot: 'server',
      MoveLeader: 'unary',
      Downgrade: 'unary',
    },
  ],
  Lock: ['v3lockpb.Lock', { Lock: 'unary', Unlock: 'unary' }],
  Election: [
    'v3electionpb.Election',
    { Campaign: 'unary', Proclaim: 'unary', Leader: 'unary', Observe: 'server', Resign: 'unary' },
  ],
} as const satisfies Record<keyof EtcdServices, readonly [string, Record<string, 'unary' | 'server' | 'bidi'>]>;

let cached: EtcdServices | undefined;

/**
 * Parses the .proto files once per process and returns the service definitions.
 * Each definition is checked against SHAPES, because the typed view below is a cast:
 * a method missing from a .proto file must fail here, not at the first call.
 */
export function loadEtcdServices(): EtcdServices {
  if (cached) return cached;
  const root = protoRoot();
  const pkg = protoLoader.loadSync([...PROTO_FILES], { ...LOADER_OPTIONS, includeDirs: [root] });
  const out: Record<string, unknown> = {};
  for (const [short, [fqn, methods]] of Object.entries(SHAPES)) {
    const def = pkg[fqn];
    if (!def || 'format' in def) throw new Error(`service ${fqn} missing from the etcd .proto files`);
    for (const [name, shape] of Object.entries(methods)) {
      const m = def[name];
      const got = !m ? 'missing' : m.requestStream ? (m.responseStream ? 'bidi' : 'client') : m.responseStream ? 'server' : 'unary';
      if (got !== shape || m?.path !== `/${fqn}/${name}`) {
        throw new Error(`${fqn}.${name}: expected a ${shape} method at /${fqn}/${name}, found ${got}`);
      }
    }
    out[short] = def;
  }
  cached = out as unknown as EtcdServices;
  return cached;
}
