// The shapes the checkers read: a client's key-value operations with their invocation and
// completion times, the store's event log, and the anomalies found. Plain data, so a history can
// be built by hand in a test, recorded by the fault harness, or written to a file and checked later.
//
// Times are milliseconds on one monotonic clock (the recording process's); only their order
// matters to the linearizability checker, the lease checker also compares durations.
// Revisions are etcd's global revisions; they stay far below 2^53, so a number is exact.

/** The value of a key as a read saw it; null = the key did not exist. */
export type Observed = { value: string; modRevision: number } | null;

/** What an operation asked for. Values written are unique in a history (the checkers rely on it). */
export type KvInput =
  | { f: 'put'; value: string }
  | { f: 'delete' }
  /** Compare-and-set on the key's value (null = absent); the failure branch reads the key. */
  | { f: 'cas'; expect: string | null; value: string }
  | { f: 'get'; serializable: boolean };

/** What it returned; `revision` is the response header's revision. */
export type KvOutput =
  | { f: 'put'; revision: number }
  | { f: 'delete'; deleted: number; revision: number }
  | { f: 'cas'; succeeded: boolean; revision: number; current: Observed }
  | { f: 'get'; current: Observed; revision: number };

export interface KvOp {
  /** Unique in the history, for reports. */
  id: number;
  /** The logical client that issued it (each client runs one operation at a time). */
  client: number;
  key: string;
  input: KvInput;
  /** When the request was sent. */
  call: number;
  /** When the response arrived; Infinity when the outcome is unknown (timeout, connection lost). */
  ret: number;
  /** Undefined when the outcome is unknown: the operation may or may not have taken effect. */
  output: KvOutput | undefined;
  /** The outcome is unknown but the store's log shows the write took effect (see resolveUnknownWrites). */
  applied?: boolean;
}

/** One change in the store's history, as a watch from revision 1 replays it. */
export interface LogEvent {
  revision: number;
  key: string;
  type: 'put' | 'delete';
  /** For puts. */
  value?: string;
}

/** Something a checker proved wrong. `checker` names the property, `message` the evidence. */
export interface Anomaly {
  checker: 'linearizability' | 'revisions' | 'watch' | 'lease' | 'durability' | 'liveness';
  message: string;
}

/** Did this operation, if it took effect, change the store (and so take a new revision)? */
export function wroteSomething(op: KvOp): boolean {
  const o = op.output;
  if (!o) return false;
  if (o.f === 'put') return true;
  if (o.f === 'delete') return o.deleted > 0;
  if (o.f === 'cas') return o.succeeded;
  return false;
}

/** The value an operation would write, if any (puts and compare-and-sets). */
export function valueWritten(input: KvInput): string | undefined {
  return input.f === 'put' || input.f === 'cas' ? input.value : undefined;
}

export function describeOp(op: KvOp): string {
  const i = op.input;
  const what =
    i.f === 'put' ? `put(${op.key}=${i.value})` : i.f === 'delete' ? `delete(${op.key})` : i.f === 'cas' ? `cas(${op.key}: ${i.expect ?? '∅'}→${i.value})` : `get${i.serializable ? '[serializable]' : ''}(${op.key})`;
  const o = op.output;
  const result = !o
    ? '?'
    : o.f === 'put'
      ? `rev ${o.revision}`
      : o.f === 'delete'
        ? `deleted ${o.deleted} rev ${o.revision}`
        : o.f === 'cas'
          ? `${o.succeeded ? 'ok' : `failed, saw ${show(o.current)}`} rev ${o.revision}`
          : `${show(o.current)} rev ${o.revision}`;
  const ret = Number.isFinite(op.ret) ? op.ret.toFixed(1) : '∞';
  return `#${op.id} c${op.client} ${what} → ${result} [${op.call.toFixed(1)}, ${ret}]`;
}

function show(o: Observed): string {
  return o === null ? '∅' : `${o.value}@${o.modRevision}`;
}
