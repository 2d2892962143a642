// etcd's HTTP/JSON gateway (grpc-gateway) on the client port: `curl -X POST -d '{"key":"Zm9v"}'
// http://127.0.0.1:2379/v3/kv/range` works as it does against etcd.
//
// Each path maps to one gRPC method. The JSON body is decoded into the very request object the
// gRPC handler receives (codec.ts), and the gRPC service's own handler is called, with a small
// stand-in for the grpc-js call object: the gateway has no logic of its own beyond the encoding,
// so whatever the gRPC service does (validation, limits, errors) the gateway does too.
//
//  - unary methods: one JSON object in, one out; a failure is an HTTP status derived from the
//    gRPC code and a body {"error": message, "code": grpc code, "message": message};
//  - streaming methods (watch, lease/keepalive, maintenance/snapshot): the body holds the
//    request(s), one JSON object after another; every response is written as a line
//    {"result": {...}}; a failure after the first line is a line {"error": {...}}.
//    As with etcd, a watch stays open when the request body ends (until the client goes);
//    a keep-alive stream ends after answering every request of the body.

import * as http from 'node:http';
import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { clusterService } from '../grpc/cluster-service.js';
import type { ServiceContext } from '../grpc/context.js';
import { kvService } from '../grpc/kv-service.js';
import { LeaderForwarder } from '../grpc/leader-forward.js';
import { guardLearner } from '../grpc/learner-guard.js';
import { leaseService } from '../grpc/lease-service.js';
import { maintenanceService } from '../grpc/maintenance-service.js';
import { watchService } from '../grpc/watch-service.js';
import { decodeRequest, encodeResponse, etcdRoot, RequestFormatError } from './codec.js';
import { JsonStreamReader, JsonSyntaxError, parseJson } from './json.js';

/** The gateway's paths, as etcd's rpc.proto annotates them (google.api.http), and their method. */
export const GATEWAY_ROUTES: Readonly<Record<string, readonly [service: string, method: string]>> = {
  '/v3/kv/range': ['etcdserverpb.KV', 'Range'],
  '/v3/kv/put': ['etcdserverpb.KV', 'Put'],
  '/v3/kv/deleterange': ['etcdserverpb.KV', 'DeleteRange'],
  '/v3/kv/txn': ['etcdserverpb.KV', 'Txn'],
  '/v3/kv/compaction': ['etcdserverpb.KV', 'Compact'],
  '/v3/watch': ['etcdserverpb.Watch', 'Watch'],
  '/v3/lease/grant': ['etcdserverpb.Lease', 'LeaseGrant'],
  '/v3/lease/revoke': ['etcdserverpb.Lease', 'LeaseRevoke'],
  '/v3/kv/lease/revoke': ['etcdserverpb.Lease', 'LeaseRevoke'],
  '/v3/lease/keepalive': ['etcdserverpb.Lease', 'LeaseKeepAlive'],
  '/v3/lease/timetolive': ['etcdserverpb.Lease', 'LeaseTimeToLive'],
  '/v3/kv/lease/timetolive': ['etcdserverpb.Lease', 'LeaseTimeToLive'],
  '/v3/lease/leases': ['etcdserverpb.Lease', 'LeaseLeases'],
  '/v3/kv/lease/leases': ['etcdserverpb.Lease', 'LeaseLeases'],
  '/v3/cluster/member/add': ['etcdserverpb.Cluster', 'MemberAdd'],
  '/v3/cluster/member/remove': ['etcdserverpb.Cluster', 'MemberRemove'],
  '/v3/cluster/member/update': ['etcdserverpb.Cluster', 'MemberUpdate'],
  '/v3/cluster/member/list': ['etcdserverpb.Cluster', 'MemberList'],
  '/v3/cluster/member/promote': ['etcdserverpb.Cluster', 'MemberPromote'],
  '/v3/maintenance/alarm': ['etcdserverpb.Maintenance', 'Alarm'],
  '/v3/maintenance/status': ['etcdserverpb.Maintenance', 'Status'],
  '/v3/maintenance/defragment': ['etcdserverpb.Maintenance', 'Defragment'],
  // etcd 3.4 answers this path with Hash (as observed); HashKV gets a path of its own.
  '/v3/maintenance/hash': ['etcdserverpb.Maintenance', 'Hash'],
  '/v3/maintenance/hashkv': ['etcdserverpb.Maintenance', 'HashKV'],
  '/v3/maintenance/snapshot': ['etcdserverpb.Maintenance', 'Snapshot'],
  '/v3/maintenance/transfer-leadership': ['etcdserverpb.Maintenance', 'MoveLeader'],
  '/v3/maintenance/downgrade': ['etcdserverpb.Maintenance', 'Downgrade'],
};

/** Methods whose stream stays open after the request body ends (etcd ignores a watch's EOF). */
const OPEN_AFTER_BODY = new Set(['etcdserverpb.Watch/Watch']);

/** grpc-gateway's HTTPStatusFromCode. */
const HTTP_STATUS: Readonly<Record<number, number>> = {
  0: 200,
  1: 408,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export function httpStatusFromGrpcCode(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

export interface Gateway {
  /** Serves the request and returns true if its path is a gateway path; otherwise returns false and does nothing. */
  (req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Releases the connections used to forward lease requests to the leader. */
  close(): void;
}

interface Route {
  path: string;
  /** e.g. "etcdserverpb.Lease/LeaseKeepAlive" */
  name: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
  /** The gRPC service's handler; undefined when the service does not implement the method. */
  handler: unknown;
}

/** A failure with a gRPC status, from a handler or from reading the request. */
interface Status {
  code: number;
  message: string;
}

type UnaryHandler = (call: CallShim, callback: (err: Partial<grpc.StatusObject> | Error | null, value?: object | null) => void) => void;
type StreamHandler = (call: StreamCall) => void;

/** What a grpc-js call offers besides the messages, for handlers that look. */
interface CallShim {
  request: unknown;
  metadata: grpc.Metadata;
  cancelled: boolean;
  getPeer(): string;
  getPath(): string;
  getDeadline(): grpc.Deadline;
  sendMetadata(md: grpc.Metadata): void;
}

type StreamCall = Duplex & CallShim;

export function createGateway(ctx: ServiceContext): Gateway {
  const forwarder = new LeaderForwarder(ctx);
  // The gRPC services' own handlers, built the way the client server builds them.
  const services: Record<string, object> = {
    'etcdserverpb.KV': guardLearner(ctx, 'KV', kvService(ctx)),
    'etcdserverpb.Watch': guardLearner(ctx, 'Watch', watchService(ctx)),
    'etcdserverpb.Lease': guardLearner(ctx, 'Lease', leaseService(ctx, forwarder)),
    'etcdserverpb.Cluster': guardLearner(ctx, 'Cluster', clusterService(ctx, forwarder)),
    'etcdserverpb.Maintenance': guardLearner(ctx, 'Maintenance', maintenanceService(ctx)),
  };
  const root = etcdRoot();
  const routes = new Map<string, Route>();
  for (const [path, [service, method]] of Object.entries(GATEWAY_ROUTES)) {
    const m = root.lookupService(service).methods[method];
    if (!m) throw new Error(`gateway: ${service}.${method} is not in the .proto files`);
    const h = (services[service] as Record<string, unknown> | undefined)?.[method];
    routes.set(path, {
      path,
      name: `${service}/${method}`,
      requestType: m.resolvedRequestType ?? root.lookupType(m.requestType),
      responseType: m.resolvedResponseType ?? root.lookupType(m.responseType),
      requestStream: m.requestStream === true,
      responseStream: m.responseStream === true,
      handler: typeof h === 'function' ? h : undefined,
    });
  }
  // Room for the largest request etcd accepts, base64-encoded, plus the JSON around it.
  const maxBody = Math.ceil((ctx.maxRequestBytes * 4) / 3) + 1024 * 1024;

  const gateway = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const route = routes.get((req.url ?? '/').split('?')[0]!);
    if (!route) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'POST' });
      res.end('Method Not Allowed\n');
      req.resume();
      return true;
    }
    if (!route.handler) {
      req.resume();
      sendError(res, { code: grpc.status.UNIMPLEMENTED, message: `unknown method ${route.name.split('/')[1]} for service ${route.name.split('/')[0]}` });
      return true;
    }
    if (route.requestStream) serveBidi(ctx, route, req, res, maxBody);
    else readBody(req, res, maxBody, (body) => serveOne(ctx, route, req, res, body));
    return true;
  };
  return Object.assign(gateway, { close: () => forwarder.close() });
}

// ------------------------------------------------------------------ unary and server streaming

function readBody(req: http.IncomingMessage, res: http.ServerResponse, maxBody: number, then: (body: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > maxBody) {
      refused = true;
      res.setHeader('connection', 'close');
      sendError(res, { code: grpc.status.RESOURCE_EXHAUSTED, message: `gateway: request body larger than ${maxBody} bytes` });
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (!refused) then(Buffer.concat(chunks).toString('utf8'));
  });
  req.on('error', () => res.destroy());
}

/** Parses and decodes one request body; a Status when it is not a valid request. */
function decodeBody(route: Route, body: string): { request: unknown } | Status {
  try {
    return { request: decodeRequest(route.requestType, body.trim() === '' ? {} : parseJson(body)) };
  } catch (e) {
    if (e instanceof JsonSyntaxError || e instanceof RequestFormatError) return { code: grpc.status.INVALID_ARGUMENT, message: e.message };
    throw e;
  }
}

function serveOne(ctx: ServiceContext, route: Route, req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const decoded = decodeBody(route, body);
  if (!('request' in decoded)) return sendError(res, decoded);
  if (route.responseStream) {
    const call = streamCall(ctx, route, req, res);
    call.request = decoded.request;
    call.on('error', () => {});
    (route.handler as StreamHandler)(call);
    return;
  }
  const call = callShim(route, req);
  call.request = decoded.request;
  let answered = false;
  try {
    (route.handler as UnaryHandler)(call, (err, value) => {
      if (answered) return;
      answered = true;
      if (err) return sendError(res, statusOf(err));
      let body: Record<string, unknown>;
      try {
        body = encode(ctx, route.responseType, value ?? {});
      } catch (e) {
        return sendError(res, { code: grpc.status.INTERNAL, message: e instanceof Error ? e.message : String(e) });
      }
      sendJson(res, 200, body);
    });
  } catch (e) {
    // The handlers answer through the callback; a throw is a bug, reported as grpc-js would.
    if (!answered) sendError(res, { code: grpc.status.UNKNOWN, message: e instanceof Error ? e.message : String(e) });
    answered = true;
  }
}

// ------------------------------------------------------------------ bidirectional streaming

function serveBidi(ctx: ServiceContext, route: Route, req: http.IncomingMessage, res: http.ServerResponse, maxBody: number): void {
  const call = streamCall(ctx, route, req, res);
  const reader = new JsonStreamReader();
  call.on('error', () => {});
  (route.handler as StreamHandler)(call);
  const feed = (values: ReturnType<JsonStreamReader['push']>) => {
    for (const v of values) {
      if (call.destroyed) return;
      try {
        call.push(decodeRequest(route.requestType, v));
      } catch (e) {
        if (!(e instanceof RequestFormatError)) throw e;
        failStream(call, { code: grpc.status.INVALID_ARGUMENT, message: e.message });
        return;
      }
    }
  };
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (call.destroyed) return;
    try {
      feed(reader.push(chunk));
      if (reader.pending > maxBody) failStream(call, { code: grpc.status.RESOURCE_EXHAUSTED, message: `gateway: request larger than ${maxBody} bytes` });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      failStream(call, { code: grpc.status.INVALID_ARGUMENT, message: e.message });
    }
  });
  req.on('end', () => {
    if (call.destroyed) return;
    try {
      feed(reader.end());
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      failStream(call, { code: grpc.status.INVALID_ARGUMENT, message: e.message });
      return;
    }
    if (!OPEN_AFTER_BODY.has(route.name) && !call.destroyed) call.push(null);
  });
  req.on('error', () => call.destroy());
}

const failures = new WeakMap<Duplex, Status>();

function failStream(call: StreamCall, status: Status): void {
  failures.set(call, status);
  call.destroy();
}

/**
 * A grpc-js server stream as the handlers use it: requests come out of the readable side
 * ('data', 'end'); responses written to it go to the HTTP response, one JSON line each, with the
 * HTTP response's backpressure (writableNeedDrain, 'drain'). The client going away closes it.
 */
function streamCall(ctx: ServiceContext, route: Route, req: http.IncomingMessage, res: http.ServerResponse): StreamCall {
  let headersSent = false;
  let done = false;
  const line = (obj: object): boolean => {
    if (!headersSent) {
      headersSent = true;
      res.writeHead(200, { 'content-type': 'application/json' });
    }
    return res.write(`${JSON.stringify(obj)}\n`);
  };
  const finish = (status?: Status) => {
    if (done) return;
    done = true;
    if (res.destroyed || res.writableEnded) return;
    if (!status) {
      if (!headersSent) res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    } else if (!headersSent) {
      sendError(res, status);
    } else {
      // grpc-gateway's error on a stream that already answered: one more line, then the end.
      const http_code = httpStatusFromGrpcCode(status.code);
      res.end(`${JSON.stringify({ error: { grpc_code: status.code, http_code, message: status.message, http_status: http.STATUS_CODES[http_code] ?? '' } })}\n`);
    }
  };
  const duplex = new Duplex({
    objectMode: true,
    read() {},
    write(chunk: object, _enc, cb) {
      if (done || res.destroyed) return cb();
      let ok: boolean;
      try {
        ok = line({ result: encode(ctx, route.responseType, chunk) });
      } catch (e) {
        cb();
        failStream(call, { code: grpc.status.INTERNAL, message: e instanceof Error ? e.message : String(e) });
        return;
      }
      if (ok) cb();
      else res.once('drain', () => cb());
    },
    final(cb) {
      finish();
      cb();
    },
  });
  const call = Object.assign(duplex, callShim(route, req));
  duplex.on('error', (e: unknown) => finish(statusOf(e)));
  duplex.on('close', () => finish(failures.get(duplex) ?? { code: grpc.status.CANCELLED, message: 'stream closed' }));
  res.on('close', () => {
    // The client went away (or the response is complete): release the stream and its watchers.
    if (!duplex.destroyed) {
      call.cancelled = true;
      duplex.emit('cancelled');
      duplex.destroy();
    }
  });
  return call;
}

// ------------------------------------------------------------------ plumbing

function callShim(route: Route, req: http.IncomingMessage): CallShim {
  return {
    request: undefined,
    metadata: new grpc.Metadata(),
    cancelled: false,
    getPeer: () => `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? 0}`,
    getPath: () => `/${route.name}`,
    getDeadline: () => Infinity,
    sendMetadata: () => {},
  };
}

function statusOf(err: unknown): Status {
  const e = (err ?? {}) as { code?: unknown; details?: unknown; message?: unknown };
  const code = typeof e.code === 'number' ? e.code : grpc.status.UNKNOWN;
  const message = typeof e.details === 'string' && e.details !== '' ? e.details : typeof e.message === 'string' ? e.message : String(err);
  return { code, message };
}

function encode(ctx: ServiceContext, type: protobuf.Type, value: object): Record<string, unknown> {
  try {
    return encodeResponse(type, value);
  } catch (e) {
    ctx.logger.error({ err: e, type: type.name }, 'gateway: cannot encode a response');
    throw e;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** grpc-gateway's error body: {"error": message, "code": grpc code, "message": message}. */
function sendError(res: http.ServerResponse, status: Status): void {
  sendJson(res, httpStatusFromGrpcCode(status.code), { error: status.message, code: status.code, message: status.message });
}
