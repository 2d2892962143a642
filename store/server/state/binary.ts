// A compact binary encoding for the values the log and snapshots carry: plain objects, arrays,
// strings, numbers, booleans, undefined, bytes (Uint8Array) and 64-bit integers (bigint). It is
// what JSON with {"$b": base64} and {"$n": decimal} was (see requests.ts), without its costs: a
// profile of the write path showed JSON.stringify/parse with a replacer/reviver (a JavaScript
// call per key) and base64 among the top entries on every member, and a log entry 1.4 × its value.
//
//   encoded   := MAGIC value                 (MAGIC is never '{', so JSON data stays readable)
//   value     := tag payload
//     0 undefined · 1 null · 2 false · 3 true
//     4 uint    varint                       (non-negative safe integers)
//     5 float   f64 LE                       (every other number)
//     6 string  varint length · UTF-8
//     7 bytes   varint length · raw
//     8 bigint  sign u8 · varint length · magnitude big-endian bytes
//     9 array   varint count · value*
//    10 object  varint count · (key · value)*
//   key       := varint k: k > 0 is the (k-1)th name of FIELD_NAMES; k = 0 is followed by a string
//
// FIELD_NAMES is part of the format: names may be appended, never reordered or removed.
// Decoded bytes are copies (never views into the encoded buffer): a value kept by the keyspace
// must not pin a whole log entry or a received transport frame in memory.

export const BINARY_MAGIC = 0xb1;

const FIELD_NAMES = [
  'id', 'request', 'put', 'key', 'value', 'lease', 'prevKv', 'ignoreValue', 'ignoreLease',
  'deleteRange', 'rangeEnd', 'txn', 'compare', 'success', 'failure', 'result', 'target', 'number',
  'range', 'limit', 'revision', 'sortOrder', 'sortTarget', 'serializable', 'keysOnly', 'countOnly',
  'minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision', 'compaction',
  'physical', 'leaseGrant', 'ttl', 'leaseRevoke', 'memberAttributes', 'memberId', 'name',
  'clientUrls', 'alarm', 'action',
  // snapshot images
  'kv', 'members', 'alarms', 'currentRev', 'compactRev', 'changes', 'sub', 'tombstone',
  'createRevision', 'modRevision', 'version', 'leases', 'peerUrls', 'isLearner', 'keys', 'grantedTtl',
  'expiry', 'remaining',
] as const;
const FIELD_CODES = new Map<string, number>(FIELD_NAMES.map((n, i) => [n, i + 1]));

export class BinaryCodecError extends Error {
  constructor(detail: string) {
    super(`binary value: ${detail}`);
    this.name = 'BinaryCodecError';
  }
}

class Out {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) + 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  string(s: string): void {
    // At most 3 bytes per UTF-16 unit; the length prefix is written after, in place, so the
    // string is encoded once.
    const max = s.length * 3;
    const lenBytes = max < 0x80 ? 1 : max < 0x4000 ? 2 : max < 0x200000 ? 3 : 5;
    this.ensure(lenBytes + max);
    const start = this.pos + lenBytes;
    const n = this.buf.write(s, start, 'utf8');
    // A fixed-width varint (continuation bits on padding bytes) keeps the reserved size exact.
    let v = n;
    for (let i = 0; i < lenBytes - 1; i++) {
      this.buf[this.pos++] = (v % 0x80) + 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    this.pos = start + n;
  }
}

function write(o: Out, v: unknown): void {
  switch (typeof v) {
    case 'undefined':
      o.u8(0);
      return;
    case 'boolean':
      o.u8(v ? 3 : 2);
      return;
    case 'number':
      if (Number.isSafeInteger(v) && v >= 0) {
        o.u8(4);
        o.varint(v);
      } else {
        o.ensure(9);
        o.buf[o.pos++] = 5;
        o.buf.writeDoubleLE(v, o.pos);
        o.pos += 8;
      }
      return;
    case 'string':
      o.u8(6);
      o.string(v);
      return;
    case 'bigint': {
      o.u8(8);
      o.u8(v < 0n ? 1 : 0);
      let m = v < 0n ? -v : v;
      const digits: number[] = [];
      while (m > 0n) {
        digits.push(Number(m & 0xffn));
        m >>= 8n;
      }
      o.varint(digits.length);
      o.ensure(digits.length);
      for (let i = digits.length - 1; i >= 0; i--) o.buf[o.pos++] = digits[i]!;
      return;
    }
    case 'object':
      if (v === null) {
        o.u8(1);
      } else if (v instanceof Uint8Array) {
        o.u8(7);
        o.bytes(v);
      } else if (Array.isArray(v)) {
        o.u8(9);
        o.varint(v.length);
        for (const x of v) write(o, x);
      } else {
        o.u8(10);
        const rec = v as Record<string, unknown>;
        // As in JSON, a property whose value is undefined is left out.
        const keys = Object.keys(rec).filter((k) => rec[k] !== undefined);
        o.varint(keys.length);
        for (const k of keys) {
          const code = FIELD_CODES.get(k);
          if (code !== undefined) o.varint(code);
          else {
            o.u8(0);
            o.string(k);
          }
          write(o, rec[k]);
        }
      }
      return;
    default:
      throw new BinaryCodecError(`cannot encode a ${typeof v}`);
  }
}

/** Values up to this size are written into a shared scratch buffer and copied out exactly. */
const SCRATCH_LIMIT = 1024 * 1024;
let scratch: Out | undefined;

/**
 * Encode a value; `sizeHint` (bytes) avoids regrowing the buffer for large values (snapshots).
 *
 * A log entry lives in the Raft log until the next snapshot, so what it holds matters: a view into
 * a bigger buffer would keep all of that buffer alive, and a small Buffer from Node's pool keeps
 * the pool's whole 8 KiB slab alive (100,000 entries of 1 KiB held 900 MiB that way). So small
 * values get a buffer of their own, of exactly their size, outside the pool.
 */
export function encodeBinary(value: unknown, sizeHint = 256): Buffer {
  if (sizeHint > SCRATCH_LIMIT) {
    const big = new Out(sizeHint);
    big.u8(BINARY_MAGIC);
    write(big, value);
    return big.buf.subarray(0, big.pos);
  }
  const o = (scratch ??= new Out(64 * 1024));
  o.pos = 0;
  try {
    o.u8(BINARY_MAGIC);
    write(o, value);
    const out = Buffer.allocUnsafeSlow(o.pos);
    o.buf.copy(out, 0, 0, o.pos);
    return out;
  } finally {
    // A huge value grew the scratch buffer: let it go rather than hold it for ever.
    if (o.buf.length > SCRATCH_LIMIT) scratch = undefined;
  }
}

/** Where an array's count sits, written before its items are known and filled in by endArray(). */
export interface ArrayMark {
  readonly at: number;
}

/** A count's fixed width: a varint padded with continuation bytes, so any count up to 2^35 fits in place. */
const COUNT_WIDTH = 5;

/**
 * Builds one encoded value piece by piece, for a value too big to encode in one synchronous go:
 * a snapshot image of a large keyspace, whose changes are written a slice at a time between other
 * work. What it produces decodes exactly as encodeBinary's encoding of the same value does.
 * The caller writes an object's fields or an array's items in order after their header.
 */
export class BinaryStreamWriter {
  private readonly out: Out;

  constructor(sizeHint: number) {
    this.out = new Out(Math.max(64, sizeHint));
    this.out.u8(BINARY_MAGIC);
  }

  /** An object with exactly `fields` properties follows: each as field() then its value. */
  beginObject(fields: number): void {
    this.out.u8(10);
    this.out.varint(fields);
  }

  field(name: string): void {
    const code = FIELD_CODES.get(name);
    if (code !== undefined) this.out.varint(code);
    else {
      this.out.u8(0);
      this.out.string(name);
    }
  }

  /** An array whose length is not known yet: write its items, then endArray() with their count. */
  beginArray(): ArrayMark {
    this.out.u8(9);
    this.out.ensure(COUNT_WIDTH);
    const mark = { at: this.out.pos };
    this.out.pos += COUNT_WIDTH;
    return mark;
  }

  endArray(mark: ArrayMark, count: number): void {
    let v = count;
    if (v >= 2 ** (7 * COUNT_WIDTH)) throw new BinaryCodecError(`array of ${v} items is too long to stream`);
    for (let i = 0; i < COUNT_WIDTH - 1; i++) {
      this.out.buf[mark.at + i] = (v % 0x80) + 0x80;
      v = Math.floor(v / 0x80);
    }
    this.out.buf[mark.at + COUNT_WIDTH - 1] = v;
  }

  /** A whole value (written as encodeBinary writes it). */
  value(v: unknown): void {
    write(this.out, v);
  }

  /** One field of the object being written, with a whole value. */
  property(name: string, v: unknown): void {
    this.field(name);
    write(this.out, v);
  }

  // Typed values: what value() writes for them, without its look at the value's type (the hot
  // path of a snapshot writes a few of these per stored change).

  number(v: number): void {
    if (Number.isSafeInteger(v) && v >= 0) {
      this.out.u8(4);
      this.out.varint(v);
    } else write(this.out, v);
  }

  boolean(v: boolean): void {
    this.out.u8(v ? 3 : 2);
  }

  bytes(v: Uint8Array): void {
    this.out.u8(7);
    this.out.bytes(v);
  }

  bigint(v: bigint): void {
    if (v === 0n) {
      this.out.ensure(3);
      this.out.buf[this.out.pos++] = 8;
      this.out.buf[this.out.pos++] = 0;
      this.out.buf[this.out.pos++] = 0;
    } else write(this.out, v);
  }

  /** The encoded bytes: a view of the writer's buffer, which the writer no longer touches. */
  finish(): Buffer {
    return this.out.buf.subarray(0, this.out.pos);
  }
}

/** Is this data in the binary encoding (rather than the older JSON one)? */
export function isBinary(data: Uint8Array): boolean {
  return data.length > 0 && data[0] === BINARY_MAGIC;
}

class In {
  pos = 1;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new BinaryCodecError('truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new BinaryCodecError('varint too long');
  }
  string(): string {
    const n = this.varint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

function read(i: In): unknown {
  const tag = i.u8();
  switch (tag) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return false;
    case 3:
      return true;
    case 4:
      return i.varint();
    case 5: {
      i.need(8);
      const v = i.buf.readDoubleLE(i.pos);
      i.pos += 8;
      return v;
    }
    case 6:
      return i.string();
    case 7: {
      const n = i.varint();
      i.need(n);
      const b = new Uint8Array(n);
      b.set(i.buf.subarray(i.pos, i.pos + n));
      i.pos += n;
      return b;
    }
    case 8: {
      const negative = i.u8() === 1;
      const n = i.varint();
      i.need(n);
      let m = 0n;
      for (let k = 0; k < n; k++) m = (m << 8n) | BigInt(i.buf[i.pos++]!);
      return negative ? -m : m;
    }
    case 9: {
      const n = i.varint();
      const a: unknown[] = [];
      for (let k = 0; k < n; k++) a.push(read(i));
      return a;
    }
    case 10: {
      const n = i.varint();
      const rec: Record<string, unknown> = {};
      for (let k = 0; k < n; k++) {
        const code = i.varint();
        let name: string;
        if (code === 0) name = i.string();
        else {
          const known = FIELD_NAMES[code - 1];
          if (known === undefined) throw new BinaryCodecError(`unknown field code ${code}`);
          name = known;
        }
        rec[name] = read(i);
      }
      return rec;
    }
    default:
      throw new BinaryCodecError(`unknown tag ${tag}`);
  }
}

export function decodeBinary<T>(data: Uint8Array): T {
  const i = new In(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  if (data[0] !== BINARY_MAGIC) throw new BinaryCodecError('not binary data');
  const v = read(i);
  if (i.pos !== data.length) throw new BinaryCodecError(`${data.length - i.pos} trailing bytes`);
  return v as T;
}
