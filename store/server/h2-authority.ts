// Accept gRPC clients that put a URL in HTTP/2's :authority header.
//
// etcdctl 3.4 dials each endpoint by its raw string for `endpoint status`, `endpoint hashkv`,
// `defrag` and `move-leader`, so with --endpoints=http://127.0.0.1:2379 its grpc-go sends
// `:authority: http://127.0.0.1:2379`. etcd (Go's HTTP/2 server) lets that through. Node's nghttp2
// checks :authority against the URI authority syntax, finds the '/', and resets the stream with
// RST_STREAM PROTOCOL_ERROR; Node has no option to turn that check off.
//
// So on the client port the client's bytes pass through a small rewriter before nghttp2 sees them.
// It parses HTTP/2 frames just far enough to find header blocks (HEADERS + CONTINUATION frames) and
// in those changes one thing: an :authority value that starts with a scheme loses the scheme and
// any path (`http://host:port/x` → `host:port`). Every other byte is copied unchanged. A client
// names one authority for a whole connection (grpc-go's is its dial target), so a connection whose
// first request needs no rewrite is passed through unparsed from then on. When
// anything fails to parse, the rewriter stops rewriting and passes the bytes through as they are:
// the worst case is the old behaviour (nghttp2 rejects the stream), never a corrupted connection.
// The server's bytes go straight to the socket.

import { Duplex } from 'node:stream';
import type * as net from 'node:net';

// ---------------------------------------------------------------------------------------------
// HPACK Huffman decoding (RFC 7541 §5.2, Appendix B)
//
// The HPACK Huffman code is canonical: sorted by (code length, symbol), each code is the previous
// one plus one, shifted left when the length grows. So the code lengths of the 257 symbols (bytes
// 0-255 and EOS) define the whole code, and decoding needs only, per length, the first code and
// where its symbols start in the sorted list (the method of zlib's "puff" inflater).

// prettier-ignore
const CODE_LENGTHS = [
  // 0x00-0x1f: control characters
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  // 0x20-0x3f: ' ' to '?'
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  // 0x40-0x5f: '@' to '_'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  // 0x60-0x7f: '`' to DEL
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  // 0x80-0xff
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  // EOS
  30,
];
const EOS = 256;
const MAX_CODE_LENGTH = 30;

/** Per code length: how many codes, the first code, and where its symbols start in SORTED. */
const COUNT = new Array<number>(MAX_CODE_LENGTH + 1).fill(0);
const FIRST = new Array<number>(MAX_CODE_LENGTH + 1).fill(0);
const OFFSET = new Array<number>(MAX_CODE_LENGTH + 1).fill(0);
/** The symbols sorted by (code length, symbol): the order in which codes are assigned. */
const SORTED: number[] = [];
for (const len of CODE_LENGTHS) COUNT[len]!++;
for (let len = 1, code = 0; len <= MAX_CODE_LENGTH; len++) {
  FIRST[len] = code;
  OFFSET[len] = SORTED.length;
  CODE_LENGTHS.forEach((l, sym) => l === len && SORTED.push(sym));
  code = (code + COUNT[len]!) * 2;
}

/** Decodes a Huffman-coded HPACK string; throws Malformed on EOS or bad padding (RFC 7541 §5.2). */
export function huffmanDecode(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const i = code - FIRST[len]!;
      if (i < COUNT[len]!) {
        const sym = SORTED[OFFSET[len]! + i]!;
        if (sym === EOS) throw new Malformed('EOS in a Huffman string');
        out.push(sym);
        code = 0;
        len = 0;
      }
    }
  }
  // What is left must be padding: fewer than 8 bits, all ones (the start of EOS).
  if (len > 7 || code !== 2 ** len - 1) throw new Malformed('bad Huffman padding');
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// HPACK header blocks (RFC 7541 §5-6)

class Malformed extends Error {}

/** Reads HPACK integers and string literals from a header block. */
class BlockReader {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  /** An integer with an N-bit prefix in the current byte (RFC 7541 §5.1). */
  int(prefixBits: number): number {
    const max = 2 ** prefixBits - 1;
    if (this.pos >= this.buf.length) throw new Malformed('block ends inside an integer');
    let value = this.buf[this.pos++]! & max;
    if (value < max) return value;
    for (let shift = 0; shift <= 21; shift += 7) {
      if (this.pos >= this.buf.length) throw new Malformed('block ends inside an integer');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new Malformed('integer too large');
  }

  /** A string literal (RFC 7541 §5.2), decoded when Huffman-coded. */
  string(): Buffer {
    const huffman = (this.buf[this.pos]! & 0x80) !== 0;
    const length = this.int(7);
    if (this.pos + length > this.buf.length) throw new Malformed('block ends inside a string');
    const raw = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return huffman ? huffmanDecode(raw) : raw;
  }

  /** Steps over a string literal without decoding it. */
  skipString(): void {
    const length = this.int(7);
    if (this.pos + length > this.buf.length) throw new Malformed('block ends inside a string');
    this.pos += length;
  }
}

const AUTHORITY = Buffer.from(':authority');
/** Index of :authority in HPACK's static table (RFC 7541 Appendix A). */
const STATIC_AUTHORITY = 1;

/** `scheme://host:port[/path...]` → `host:port`; null when the value has no scheme. */
export function stripScheme(value: string): string | null {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]+)/.exec(value);
  return m ? m[1]! : null;
}

/**
 * Returns the header block with every :authority value that carries a scheme replaced by its bare
 * host:port, or null when there is nothing to change. Throws Malformed when the block does not
 * parse.
 *
 * Only literal representations are rewritten, and each keeps its type (with incremental indexing,
 * without indexing, never indexed) and its name bytes; the new value is sent as a raw string.
 * Indexed representations and table size updates are copied byte for byte.
 *
 * Why this needs no tracking of the dynamic table: a literal with incremental indexing adds an
 * entry to the server's table as it does to the client encoder's, just with the shorter value.
 * (The raw string may take more bytes on the wire than the Huffman original did, but the table
 * counts an entry as name + value + 32 with the value decoded, and that shrinks.) A smaller entry
 * can only make the server evict later than the encoder expects, never sooner, so the server's
 * table always holds at least the entries the encoder believes it holds, newest first, and every
 * index the client sends still names the same entry. A later index reference to that entry reads
 * the rewritten value, which is what we want.
 *
 * Not handled: a literal whose name is a dynamic-table entry named :authority (knowing that would
 * need the table). grpc-go names :authority by its static index, as HPACK encoders do.
 */
export function rewriteHeaderBlock(block: Buffer): Buffer | null {
  const r = new BlockReader(block);
  const parts: Buffer[] = [];
  let copied = 0; // block[copied..] is not yet in parts
  while (r.pos < block.length) {
    const first = block[r.pos]!;
    if (first & 0x80) {
      r.int(7); // indexed header field: 1xxxxxxx
      continue;
    }
    if ((first & 0xe0) === 0x20) {
      r.int(5); // dynamic table size update: 001xxxxx
      continue;
    }
    // A literal: 01xxxxxx with incremental indexing (6-bit name index), 0000xxxx without indexing
    // or 0001xxxx never indexed (4-bit name index). Name index 0: the name follows as a string.
    const nameIndex = r.int(first & 0x40 ? 6 : 4);
    const isAuthority = nameIndex === STATIC_AUTHORITY || (nameIndex === 0 && r.string().equals(AUTHORITY));
    const valueStart = r.pos;
    if (!isAuthority) {
      r.skipString();
      continue;
    }
    const stripped = stripScheme(r.string().toString('latin1'));
    if (stripped === null) continue;
    parts.push(block.subarray(copied, valueStart), rawString(Buffer.from(stripped, 'latin1')));
    copied = r.pos;
  }
  if (parts.length === 0) return null;
  parts.push(block.subarray(copied));
  return Buffer.concat(parts);
}

/** An HPACK string literal without Huffman coding: H=0, length as a 7-bit-prefix integer. */
function rawString(value: Buffer): Buffer {
  const length: number[] = [];
  if (value.length < 0x7f) {
    length.push(value.length);
  } else {
    length.push(0x7f);
    let rest = value.length - 0x7f;
    for (; rest >= 0x80; rest = Math.floor(rest / 0x80)) length.push((rest & 0x7f) | 0x80);
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), value]);
}

// ---------------------------------------------------------------------------------------------
// HTTP/2 frames, client to server (RFC 9113 §3.4, §4.1, §6.2, §6.10)

const PREFACE_LENGTH = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
const FRAME_HEADER_LENGTH = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** The frame size every HTTP/2 peer must accept (SETTINGS_MAX_FRAME_SIZE's initial value). */
const MAX_FRAME_PAYLOAD = 16384;
/** A header block larger than this is passed through untouched rather than buffered. */
const MAX_BLOCK = 256 * 1024;

interface OpenBlock {
  stream: number;
  flags: number;
  /** The 5 PRIORITY bytes of the HEADERS frame, if it had them. */
  priority: Buffer | undefined;
  /** The header block fragments, padding removed. */
  fragments: Buffer[];
  size: number;
}

/**
 * The client-to-server byte stream of one HTTP/2 connection, with :authority values fixed. Feed
 * it chunks as they arrive; it returns the bytes to hand on, in order. It holds back only what it
 * must: a frame header split across chunks, or a header block until its END_HEADERS frame. Other
 * frames' payloads stream through without being buffered or copied.
 */
export class AuthorityRewriter {
  private prefaceLeft = PREFACE_LENGTH;
  /** Payload bytes of a passed-through frame still to come. */
  private skip = 0;
  /** An incomplete frame (header or header-block frame) from the end of the last chunk. */
  private held: Buffer | undefined;
  /** The header block being collected, and its frames as received (to pass on if we give up). */
  private block: OpenBlock | undefined;
  private blockFrames: Buffer[] = [];
  private gaveUp = false;
  private firstBlock = true;

  write(chunk: Buffer): Buffer[] {
    if (this.gaveUp) return [chunk];
    let data = chunk;
    if (this.held) {
      data = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    const out: Buffer[] = [];
    let pos = 0; // parsed up to here
    let from = 0; // data[from..pos] is parsed, to pass on unchanged, not yet in out
    if (this.prefaceLeft > 0) {
      pos = Math.min(this.prefaceLeft, data.length);
      this.prefaceLeft -= pos;
    }
    while (pos < data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      if (data.length - pos < FRAME_HEADER_LENGTH) break;
      const length = data.readUIntBE(pos, 3);
      const type = data[pos + 3]!;
      if (type !== HEADERS && type !== CONTINUATION) {
        // Only CONTINUATION may follow an unfinished header block; anything else is the client's
        // protocol error, for nghttp2 to report.
        if (this.block) return this.giveUp(out, data, from, pos);
        pos += FRAME_HEADER_LENGTH;
        this.skip = length;
        continue;
      }
      if ((this.block?.size ?? 0) + length > MAX_BLOCK) return this.giveUp(out, data, from, pos);
      if (data.length - pos < FRAME_HEADER_LENGTH + length) break;
      if (pos > from) out.push(data.subarray(from, pos));
      const frame = data.subarray(pos, pos + FRAME_HEADER_LENGTH + length);
      pos += frame.length;
      from = pos;
      try {
        this.headerFrame(frame, out);
      } catch (err) {
        if (!(err instanceof Malformed)) throw err;
        return this.giveUp(out, data, from, pos);
      }
      if (this.gaveUp) {
        // The first header block needed nothing: the rest of the connection passes through.
        if (pos < data.length) out.push(data.subarray(pos));
        return out;
      }
    }
    if (pos > from) out.push(data.subarray(from, pos));
    // Copy: the rest is small (a frame header, or part of a header-block frame), the chunk may not be.
    if (pos < data.length) this.held = Buffer.from(data.subarray(pos));
    return out;
  }

  /** The client ended its side: whatever is still held goes out as it came. */
  end(): Buffer[] {
    const out = [...this.blockFrames];
    if (this.held) out.push(this.held);
    this.blockFrames = [];
    this.block = undefined;
    this.held = undefined;
    this.gaveUp = true;
    return out;
  }

  /** One HEADERS or CONTINUATION frame, complete. Throws Malformed. */
  private headerFrame(frame: Buffer, out: Buffer[]): void {
    this.blockFrames.push(frame);
    const type = frame[3]!;
    const flags = frame[4]!;
    const stream = frame.readUInt32BE(5) & 0x7fffffff;
    const payload = frame.subarray(FRAME_HEADER_LENGTH);
    if (type === HEADERS) {
      if (this.block) throw new Malformed('HEADERS inside a header block');
      let start = 0;
      let padding = 0;
      if (flags & PADDED) {
        if (payload.length < 1) throw new Malformed('no pad length');
        padding = payload[0]!;
        start = 1;
      }
      const priority = flags & PRIORITY ? payload.subarray(start, start + 5) : undefined;
      if (priority) start += 5;
      if (start + padding > payload.length) throw new Malformed('padding exceeds the frame');
      const fragment = payload.subarray(start, payload.length - padding);
      this.block = { stream, flags, priority, fragments: [fragment], size: fragment.length };
    } else {
      if (!this.block || this.block.stream !== stream) throw new Malformed('CONTINUATION outside its header block');
      this.block.fragments.push(payload);
      this.block.size += payload.length;
    }
    if ((flags & END_HEADERS) === 0) return;

    const block = this.block;
    const rewritten = rewriteHeaderBlock(Buffer.concat(block.fragments)); // throws Malformed
    if (rewritten === null) out.push(...this.blockFrames);
    else out.push(...headerFrames(block.stream, block.flags, block.priority, rewritten));
    this.block = undefined;
    this.blockFrames = [];
    // A client names the same authority on every request of a connection (grpc-go's is its dial
    // target). So when the first request's :authority is fine, stop parsing: rewriting cost a
    // JavaScript pass over every byte every client sent, a tenth of a busy member's CPU.
    if (this.firstBlock && rewritten === null) this.gaveUp = true;
    this.firstBlock = false;
  }

  /** Stop rewriting for good: hand on everything unchanged, from what is held onwards. */
  private giveUp(out: Buffer[], data: Buffer, from: number, pos: number): Buffer[] {
    this.gaveUp = true;
    if (pos > from) out.push(data.subarray(from, pos));
    out.push(...this.blockFrames, data.subarray(pos));
    this.blockFrames = [];
    this.block = undefined;
    return out;
  }
}

/**
 * A header block as one HEADERS frame, or HEADERS + CONTINUATION frames when it does not fit in
 * 16384 bytes. END_STREAM and PRIORITY (with its 5 bytes) stay as they were; padding is dropped
 * (HEADERS frames are not flow-controlled, so their size is no one's business).
 */
function headerFrames(stream: number, flags: number, priority: Buffer | undefined, block: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let prefix = priority ?? Buffer.alloc(0);
  let type = HEADERS;
  let pos = 0;
  do {
    const take = Math.min(block.length - pos, MAX_FRAME_PAYLOAD - prefix.length);
    const last = pos + take === block.length;
    const frameFlags = (type === HEADERS ? flags & (END_STREAM | PRIORITY) : 0) | (last ? END_HEADERS : 0);
    const header = Buffer.alloc(FRAME_HEADER_LENGTH);
    header.writeUIntBE(prefix.length + take, 0, 3);
    header[3] = type;
    header[4] = frameFlags;
    header.writeUInt32BE(stream, 5);
    frames.push(Buffer.concat([header, prefix, block.subarray(pos, pos + take)]));
    pos += take;
    prefix = Buffer.alloc(0);
    type = CONTINUATION;
  } while (pos < block.length);
  return frames;
}

// ---------------------------------------------------------------------------------------------
// The stream nghttp2 is given

/**
 * Wraps the socket of an HTTP/2 connection: reading yields the client's bytes through an
 * AuthorityRewriter, writing goes to the socket unchanged. Node's http2 accepts any Duplex as a
 * connection (it wraps one that is not a net.Socket in a JSStreamSocket), and so does grpc-js's
 * connection injector, which hands it to an http2 server.
 */
export class AuthorityFixingStream extends Duplex {
  private readonly rewriter = new AuthorityRewriter();

  constructor(private readonly socket: net.Socket) {
    super({ allowHalfOpen: true });
    // nghttp2 turns Nagle's algorithm off through setNoDelay() on the stream it is given; on this
    // wrapper that call reaches a JS stream, not the socket, so do it here.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.forward(this.rewriter.write(chunk)));
    socket.on('end', () => {
      this.forward(this.rewriter.end());
      this.push(null);
    });
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  private forward(pieces: Buffer[]): void {
    let wantMore = true;
    for (const piece of pieces) if (piece.length > 0) wantMore = this.push(piece) && wantMore;
    if (!wantMore) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.write(chunk)) callback();
    else this.afterDrain(callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    // nghttp2 writes several buffers at once: one syscall for all of them.
    this.socket.cork();
    let ok = true;
    for (const { chunk } of chunks) ok = this.socket.write(chunk);
    this.socket.uncork();
    if (ok) callback();
    else this.afterDrain(callback);
  }

  /** Backpressure: the next write waits until the socket has room (or is gone). */
  private afterDrain(callback: () => void): void {
    if (this.socket.destroyed) return callback(); // no 'drain' will come; 'close' destroys us
    const done = () => {
      this.socket.off('drain', done);
      this.socket.off('close', done);
      callback();
    };
    this.socket.on('drain', done);
    this.socket.on('close', done);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
