// What a learner serves its clients, as etcd 3.4 decides in its gRPC interceptors: a learner is not
// part of the quorum and may lag, so it answers only what it can answer alone (Maintenance.Status
// and serializable ranges); every other call, and every stream, gets "rpc not supported for
// learner" (code Unavailable, so clients move on to another endpoint).

import { ETCD_ERRORS } from '../../client/errors.js';
import { loadEtcdServices, type EtcdServices } from '../proto/load.js';
import type { ServiceContext } from './context.js';

type UnaryCallback = (err: { code: number; details: string } | null, value?: unknown) => void;
interface GuardedCall {
  request?: unknown;
  destroy(err?: Error): void;
}

function allowed(service: keyof EtcdServices, method: string, request: unknown): boolean {
  if (service === 'Maintenance' && method === 'Status') return true;
  if (service === 'KV' && method === 'Range') return (request as { serializable?: boolean } | undefined)?.serializable === true;
  return false;
}

/** The handlers of one service, refusing what a learner must not serve while this member is one. */
export function guardLearner<H extends object>(ctx: ServiceContext, service: keyof EtcdServices, handlers: H): H {
  const defs = loadEtcdServices()[service] as unknown as Record<string, { requestStream: boolean; responseStream: boolean }>;
  const isLearner = (): boolean => ctx.member.membership.get(ctx.member.memberId)?.isLearner === true;
  const { code, message } = ETCD_ERRORS.NotSupportedForLearner;
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const def = defs[name];
    if (typeof handler !== 'function' || !def) {
      out[name] = handler;
      continue;
    }
    const h = handler as (...args: unknown[]) => void;
    if (!def.requestStream && !def.responseStream) {
      out[name] = (call: GuardedCall, callback: UnaryCallback) => {
        if (isLearner() && !allowed(service, name, call.request)) return callback({ code, details: message });
        h(call, callback);
      };
    } else {
      out[name] = (call: GuardedCall) => {
        if (isLearner()) return call.destroy(Object.assign(new Error(message), { code, details: message }));
        h(call);
      };
    }
  }
  return out as H;
}
