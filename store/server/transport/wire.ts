// Byte-level primitives for the peer wire format: a growable writer and a bounds-checked reader.
//
// Integers are unsigned LEB128 varints limited to Number.MAX_SAFE_INTEGER: Raft terms, indexes
// and member ids are safe integers, most of them small, so a varint is usually one or two bytes
// where a fixed u64 would always be eight. The arithmetic avoids bitwise operators because those
// truncate to 32 bits.
//
// The reader never trusts a length it reads: every read checks what is left, so a corrupt or
// truncated buffer ends in a CodecError instead of an out-of-range read or a huge allocation.

export type CodecErrorCode = 'truncated' | 'corrupt' | 'malformed' | 'oversize';

/** Thrown for anything on the wire that cannot be decoded; the caller drops what it was reading. */
export class CodecError extends Error {
  constructor(
    readonly code: CodecErrorCode,
    detail: string,
  ) {
    super(`raft wire ${code}: ${detail}`);
    this.name = 'CodecError';
  }
}

/** A safe integer needs at most 8 varint bytes (8 × 7 = 56 bits ≥ 53). */
const MAX_VARINT_BYTES = 8;

export class Writer {
  private buf: Buffer;
  private pos: number;

  /** `reserve` bytes at the start are left for the caller to fill in later (a frame header). */
  constructor(initialSize = 256, reserve = 0) {
    this.buf = Buffer.allocUnsafe(Math.max(initialSize, reserve + 16));
    this.pos = reserve;
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint out of range: ${v}`);
    this.ensure(MAX_VARINT_BYTES);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) + 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** The written bytes (a view, not a copy; the writer must not be used afterwards). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class Reader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new CodecError('truncated', 'expected a byte');
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw new CodecError('malformed', 'varint exceeds 2^53');
        // A trailing zero byte would mean a second encoding of the same value: refuse it, so one
        // value has exactly one encoding and corruption is less likely to decode to something.
        if (b === 0 && i > 0) throw new CodecError('malformed', 'non-canonical varint');
        return result;
      }
      scale *= 0x80;
    }
    throw new CodecError('malformed', 'varint too long');
  }

  /** `n` raw bytes, copied: decoded data must not pin the (possibly large) frame it came from. */
  raw(n: number): Uint8Array {
    if (n > this.remaining) throw new CodecError('truncated', `expected ${n} bytes, ${this.remaining} left`);
    const out = new Uint8Array(n);
    out.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /** Length-prefixed bytes. */
  bytes(): Uint8Array {
    return this.raw(this.varint());
  }

  /** A list length: each element takes at least `minElementBytes`, so a corrupt count fails fast. */
  count(minElementBytes: number): number {
    const n = this.varint();
    if (n * minElementBytes > this.remaining) throw new CodecError('truncated', `count ${n} exceeds what is left`);
    return n;
  }

  expectEnd(what: string): void {
    if (this.remaining !== 0) throw new CodecError('malformed', `${this.remaining} trailing bytes after ${what}`);
  }
}
