import * as http2 from 'node:http2';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthorityFixingStream, AuthorityRewriter, huffmanDecode, rewriteHeaderBlock, stripScheme } from './h2-authority.js';

// HTTP/2 and HPACK bytes built by hand. Huffman strings below were produced by an independent
// HPACK implementation (RFC 7541 Appendix B).
const HUFF_HTTP_AUTHORITY = 'http://127.0.0.1:2379';
const HUFF_HTTP_AUTHORITY_HEX = '9d29aee30c044eae05c0b86e09975f';
const HUFF_AUTHORITY_NAME_HEX = 'b83b5339ec327d7f'; // ":authority"
const PATH = '/etcdserverpb.Maintenance/Status';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const HEADERS = 1;
const CONTINUATION = 9;

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
}

/** An HPACK integer with a 7-bit prefix (RFC 7541 §5.1), as a string length. */
function length7(n: number): number[] {
  if (n < 127) return [n];
  const out = [127];
  for (n -= 127; n >= 128; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  return [...out, n];
}
/** A raw (H=0) string literal. */
const raw = (s: string) => Buffer.concat([Buffer.from(length7(s.length)), Buffer.from(s, 'latin1')]);
/** A Huffman (H=1) string literal from its coded bytes. */
const huff = (hex: string) => Buffer.concat([Buffer.from([0x80 | (hex.length / 2)]), Buffer.from(hex, 'hex')]);
const bytes = (...b: number[]) => Buffer.from(b);
const cat = (...parts: Buffer[]) => Buffer.concat(parts);

const settings = frame(4, 0, 0, Buffer.alloc(0));
const settingsAck = frame(4, 1, 0, Buffer.alloc(0));
const windowUpdate = frame(8, 0, 0, Buffer.from([0, 0x0f, 0, 0]));
const ping = frame(6, 0, 0, Buffer.alloc(8, 7));
const data = (stream: number, n: number) => frame(0, 1, stream, Buffer.alloc(n, 0x61)); // END_STREAM

// Stream 1: what grpc-go sends on a fresh connection. Literals with incremental indexing add, in
// this order, :path, :authority, content-type, te to the dynamic table (te newest, index 62).
const common = (authority: Buffer) =>
  cat(
    bytes(0x83, 0x86), // :method POST, :scheme http (static 3, 6)
    bytes(0x44), raw(PATH), // :path, name static 4
    bytes(0x41), authority, // :authority, name static 1
    bytes(0x5f), raw('application/grpc'), // content-type, name static 31
    bytes(0x40), raw('te'), raw('trailers'), // new name
  );
const block1 = common(huff(HUFF_HTTP_AUTHORITY_HEX));
const block1Fixed = common(raw('127.0.0.1:2379'));

// Stream 3: :path without indexing (the table stays as it was), then a never-indexed :authority
// with a Huffman-coded literal name and a raw value with a path; content-type and te by index.
// Sent PADDED + PRIORITY, split over a CONTINUATION frame inside the :authority value.
const block3 = (authority: Buffer) => cat(bytes(0x83, 0x86, 0x04), raw(PATH), bytes(0x10), huff(HUFF_AUTHORITY_NAME_HEX), authority, bytes(0xbf, 0xbe));
const priority = bytes(0x80, 0, 0, 1, 15); // exclusive dependency on stream 1, weight 16
const padding = Buffer.alloc(6);
const b3 = block3(raw('https://10.0.0.1:2379/v3/path'));
const frames3 = cat(
  frame(HEADERS, 0x08 | 0x20, 3, cat(bytes(padding.length), priority, b3.subarray(0, 50), padding)), // PADDED | PRIORITY
  frame(CONTINUATION, 0x04, 3, b3.subarray(50)), // END_HEADERS
);
const frames3Fixed = frame(HEADERS, 0x20 | 0x04, 3, cat(priority, block3(raw('10.0.0.1:2379'))));

// Stream 5: only indexed fields after a table size update: :path (65), :authority (64, the value
// already rewritten in the server's table), content-type (63), te (62). Passes byte for byte.
const block5 = bytes(0x3f, 0xe1, 0x1f, 0x83, 0x86, 0xc1, 0xc0, 0xbf, 0xbe);
// Stream 7: a literal without indexing whose value has no scheme: nothing to change.
const block7 = cat(bytes(0x83, 0x86, 0x04), raw('/x'), bytes(0x01), raw('127.0.0.1:2379'), bytes(0xbf, 0xbe));

const input = cat(
  PREFACE,
  settings,
  windowUpdate,
  frame(HEADERS, 0x04, 1, block1),
  data(1, 300),
  settingsAck,
  frames3,
  ping,
  data(3, 5),
  frame(HEADERS, 0x04 | 0x01, 5, block5), // END_STREAM
  frame(HEADERS, 0x04, 7, block7),
  data(7, 1),
);
const expected = cat(
  PREFACE,
  settings,
  windowUpdate,
  frame(HEADERS, 0x04, 1, block1Fixed),
  data(1, 300),
  settingsAck,
  frames3Fixed,
  ping,
  data(3, 5),
  frame(HEADERS, 0x04 | 0x01, 5, block5),
  frame(HEADERS, 0x04, 7, block7),
  data(7, 1),
);

function run(chunks: Buffer[]): Buffer {
  const r = new AuthorityRewriter();
  const out = chunks.flatMap((c) => r.write(c));
  return cat(...out, ...r.end());
}

/**
 * Hands bytes to a real Node HTTP/2 server (nghttp2) as a client connection; returns the headers
 * of each stream it accepted, once stream `last` arrived (or the session ended).
 */
async function nghttp2Headers(bytesIn: Buffer, last: number): Promise<Map<number, http2.IncomingHttpHeaders>> {
  const server = http2.createServer();
  const seen = new Map<number, http2.IncomingHttpHeaders>();
  const conn = new Duplex({ read() {}, write: (_c, _e, cb) => cb() });
  await new Promise<void>((resolve) => {
    server.on('session', (session) => {
      session.on('error', () => {});
      session.on('close', resolve);
    });
    server.on('stream', (stream, headers) => {
      seen.set(stream.id ?? 0, headers);
      stream.on('error', () => {});
      stream.resume(); // read the request body: nghttp2 stops reading input while a body waits
      stream.respond({ ':status': 200 });
      stream.end();
      if (stream.id === last) resolve();
    });
    server.emit('connection', conn);
    conn.push(bytesIn);
  });
  conn.destroy();
  server.close();
  return seen;
}

describe('HPACK Huffman decoding', () => {
  it('decodes RFC 7541 examples and a URL', () => {
    expect(huffmanDecode(Buffer.from('f1e3c2e5f23a6ba0ab90f4ff', 'hex')).toString()).toBe('www.example.com');
    expect(huffmanDecode(Buffer.from('a8eb10649cbf', 'hex')).toString()).toBe('no-cache');
    expect(huffmanDecode(Buffer.from('25a849e95ba97d7f', 'hex')).toString()).toBe('custom-key');
    expect(huffmanDecode(Buffer.from(HUFF_HTTP_AUTHORITY_HEX, 'hex')).toString()).toBe(HUFF_HTTP_AUTHORITY);
    expect(huffmanDecode(Buffer.from(HUFF_AUTHORITY_NAME_HEX, 'hex')).toString()).toBe(':authority');
    expect(huffmanDecode(Buffer.alloc(0)).length).toBe(0);
  });

  it('rejects bad padding and EOS', () => {
    // 'a' is 00011: padding with zeros instead of ones.
    expect(() => huffmanDecode(bytes(0b00011000))).toThrow();
    // A whole byte of padding.
    expect(() => huffmanDecode(bytes(0b00011111, 0xff))).toThrow();
    // EOS: 30 ones.
    expect(() => huffmanDecode(bytes(0xff, 0xff, 0xff, 0xff))).toThrow();
  });
});

describe(':authority rewriting', () => {
  it('strips a scheme and any path, leaves other values alone', () => {
    expect(stripScheme('http://127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(stripScheme('https://[::1]:2379/v3/x?y')).toBe('[::1]:2379');
    expect(stripScheme('unix://localhost:1234')).toBe('localhost:1234');
    expect(stripScheme('127.0.0.1:2379')).toBeNull();
    expect(stripScheme('http://')).toBeNull();
  });

  it('rewrites header blocks in place and keeps everything else byte for byte', () => {
    expect(rewriteHeaderBlock(block1)).toEqual(block1Fixed);
    expect(rewriteHeaderBlock(b3)).toEqual(block3(raw('10.0.0.1:2379')));
    expect(rewriteHeaderBlock(block5)).toBeNull();
    expect(rewriteHeaderBlock(block7)).toBeNull();
    // Without indexing (0000), name index 1, raw value.
    expect(rewriteHeaderBlock(cat(bytes(0x01), raw('http://h:1')))).toEqual(cat(bytes(0x01), raw('h:1')));
    // A long value: its length needs a continuation byte; the stripped one does not.
    const host = `${'h'.repeat(200)}:1`;
    expect(raw(`http://${host}`).subarray(0, 2)).toEqual(bytes(0x7f, 209 - 127));
    expect(rewriteHeaderBlock(cat(bytes(0x41), raw(`http://${host}`)))).toEqual(cat(bytes(0x41), raw(host)));
  });

  it('throws on a truncated block', () => {
    expect(() => rewriteHeaderBlock(block1.subarray(0, block1.length - 3))).toThrow();
    expect(() => rewriteHeaderBlock(bytes(0xff))).toThrow();
  });
});

describe('AuthorityRewriter: the client-to-server byte stream', () => {
  it('rewrites the scheme-carrying :authority values, copies every other frame', () => {
    expect(run([input])).toEqual(expected);
  });

  it('gives the same bytes however the input is split into chunks', () => {
    for (let i = 0; i <= input.length; i++) {
      expect(run([input.subarray(0, i), input.subarray(i)])).toEqual(expected);
    }
    const oneByteAtATime = [...input].map((b) => bytes(b));
    expect(run(oneByteAtATime)).toEqual(expected);
  });

  it('stops parsing once the first request of a connection needed no rewrite', () => {
    // A client that named a plain host:port first: later blocks pass as they are, unparsed.
    const plainFirst = cat(PREFACE, settings, frame(HEADERS, 0x04, 1, block1Fixed), data(1, 10), frames3);
    for (let i = 0; i <= plainFirst.length; i += 7) expect(run([plainFirst.subarray(0, i), plainFirst.subarray(i)])).toEqual(plainFirst);
  });

  it('passes a chunk of plain frames through without copying it', () => {
    const r = new AuthorityRewriter();
    r.write(cat(PREFACE, settings));
    const chunk = cat(data(1, 100), ping, data(3, 20000).subarray(0, 5000));
    const out = r.write(chunk);
    expect(out).toHaveLength(1);
    expect(out[0]!.buffer).toBe(chunk.buffer);
    expect(cat(...r.write(data(3, 20000).subarray(5000)))).toEqual(data(3, 20000).subarray(5000));
  });

  it('splits a rewritten block larger than 16384 bytes into HEADERS + CONTINUATION, keeping END_STREAM and PRIORITY', () => {
    // The :authority literal, then 40 headers of 500 bytes (literals without indexing, new names).
    const big = (i: number) => cat(bytes(0x00), raw(`x-${i}`), raw('v'.repeat(500)));
    const block = cat(bytes(0x83, 0x86, 0x04), raw('/p'), bytes(0x41), raw('http://a:1'), ...Array.from({ length: 40 }, (_, i) => big(i)));
    expect(block.length).toBeGreaterThan(16384);
    const fixed = rewriteHeaderBlock(block)!;
    const inFrames = cat(
      PREFACE,
      frame(HEADERS, 0x20 | 0x01, 9, cat(priority, block.subarray(0, 16000))), // PRIORITY | END_STREAM
      frame(CONTINUATION, 0, 9, block.subarray(16000, 17000)),
      frame(CONTINUATION, 0x04, 9, block.subarray(17000)),
    );
    const out = run([inFrames]);
    expect(out).toEqual(
      cat(
        PREFACE,
        frame(HEADERS, 0x20 | 0x01, 9, cat(priority, fixed.subarray(0, 16384 - 5))),
        frame(CONTINUATION, 0x04, 9, fixed.subarray(16384 - 5)),
      ),
    );
  });

  it('gives up and passes everything through unchanged when a header block does not parse', () => {
    const broken = cat(PREFACE, frame(HEADERS, 0x04, 1, bytes(0x41, 0x85, 1, 2)), frame(HEADERS, 0x04, 3, block1));
    expect(run([broken])).toEqual(broken);
    // CONTINUATION with no HEADERS before it; a frame other than CONTINUATION inside a block.
    const stray = cat(PREFACE, frame(CONTINUATION, 0x04, 1, block1), frame(HEADERS, 0x04, 3, block1));
    expect(run([stray])).toEqual(stray);
    const interrupted = cat(PREFACE, frame(HEADERS, 0, 1, block1.subarray(0, 10)), ping, frame(CONTINUATION, 0x04, 1, block1.subarray(10)));
    expect(run([interrupted])).toEqual(interrupted);
    // Padding longer than the frame.
    const badPad = cat(PREFACE, frame(HEADERS, 0x08 | 0x04, 1, cat(bytes(200), block1)));
    expect(run([badPad])).toEqual(badPad);
  });

  it('a connection ending mid-frame passes on what it had', () => {
    const cut = input.subarray(0, PREFACE.length + settings.length + windowUpdate.length + 20);
    expect(run([cut])).toEqual(cut);
  });

  it('nghttp2 decodes the rewritten stream to the expected headers (and refuses the original)', { timeout: 10_000 }, async () => {
    const seen = await nghttp2Headers(expected, 7);
    expect([...seen.keys()].sort()).toEqual([1, 3, 5, 7]);
    expect([1, 3, 5, 7].map((id) => seen.get(id)![':authority'])).toEqual(['127.0.0.1:2379', '10.0.0.1:2379', '127.0.0.1:2379', '127.0.0.1:2379']);
    for (const id of [1, 3, 5, 7]) {
      expect(seen.get(id)).toMatchObject({ ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers' });
    }
    expect(seen.get(1)![':path']).toBe(PATH);
    expect(seen.get(5)![':path']).toBe(PATH);
    const original = await nghttp2Headers(input, 7);
    expect([...original.keys()]).toEqual([7]);
  });
});

describe('AuthorityFixingStream between a socket and a Node HTTP/2 server', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  it('serves a client that sends :authority http://host:port, with large bodies both ways, then closes', async () => {
    const h2 = http2.createServer();
    h2.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'x-authority': headers[':authority'] });
        stream.end(Buffer.concat(chunks));
      });
    });
    const socketClosed: Promise<void>[] = [];
    const server = net.createServer((socket) => {
      socketClosed.push(new Promise((r) => socket.once('close', () => r())));
      h2.emit('connection', new AuthorityFixingStream(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => server.close(), () => h2.close());
    const port = (server.address() as net.AddressInfo).port;

    const client = http2.connect(`http://127.0.0.1:${port}`);
    cleanup.push(() => client.destroy());
    const call = (body: Buffer) =>
      new Promise<{ authority: unknown; length: number }>((resolve, reject) => {
        const req = client.request({ ':method': 'POST', ':path': '/echo', ':authority': `http://127.0.0.1:${port}/ignored` });
        let authority: unknown;
        const chunks: Buffer[] = [];
        req.on('response', (h) => (authority = h['x-authority']));
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('error', reject);
        req.on('end', () => resolve({ authority, length: Buffer.concat(chunks).length }));
        req.end(body);
      });
    // Several calls: later ones name :authority by dynamic-table index.
    for (const size of [10, 0, 100]) expect(await call(Buffer.alloc(size, 1))).toEqual({ authority: `127.0.0.1:${port}`, length: size });
    // Large bodies, concurrently: flow control and backpressure in both directions.
    const big = await Promise.all([call(Buffer.alloc(4_000_000, 2)), call(Buffer.alloc(3_000_000, 3))]);
    expect(big.map((b) => b.length)).toEqual([4_000_000, 3_000_000]);

    // The client closing its session reaches the server's socket.
    await new Promise<void>((r) => client.close(() => r()));
    await Promise.all(socketClosed);
  });
});
