// The file `etcdctl snapshot save` writes from the Maintenance.Snapshot stream, in our format:
//
//   "KUBELITE-SNAPSHOT\n" | u64 BE length | image (JSON: keyspace, leases, members) | zero padding | SHA-256
//
// The padding makes everything before the trailer a multiple of 512 bytes and the trailer is the
// SHA-256 of everything before it: that is the shape etcdctl checks for (size % 512 == 32).

import { createHash } from 'node:crypto';

const MAGIC = Buffer.from('KUBELITE-SNAPSHOT\n');

export class SnapshotFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFileError';
  }
}

export function encodeSnapshotFile(image: Uint8Array): Buffer {
  const head = Buffer.alloc(MAGIC.length + 8);
  MAGIC.copy(head, 0);
  head.writeBigUInt64BE(BigInt(image.length), MAGIC.length);
  const unpadded = head.length + image.length;
  const body = Buffer.alloc(Math.ceil(unpadded / 512) * 512);
  head.copy(body, 0);
  Buffer.from(image.buffer, image.byteOffset, image.byteLength).copy(body, head.length);
  const sum = createHash('sha256').update(body).digest();
  return Buffer.concat([body, sum]);
}

/** The image inside a snapshot file; refuses a truncated or altered file with a clear reason. */
export function decodeSnapshotFile(file: Buffer): Buffer {
  if (file.length < 512 + 32 || file.length % 512 !== 32) throw new SnapshotFileError(`snapshot file has ${file.length} bytes: truncated or not a snapshot`);
  const body = file.subarray(0, file.length - 32);
  const sum = createHash('sha256').update(body).digest();
  if (!sum.equals(file.subarray(file.length - 32))) throw new SnapshotFileError('snapshot file checksum mismatch: the file is corrupt');
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotFileError('not a kube-lite snapshot file');
  const len = Number(body.readBigUInt64BE(MAGIC.length));
  if (MAGIC.length + 8 + len > body.length) throw new SnapshotFileError('snapshot file length field is out of range');
  return body.subarray(MAGIC.length + 8, MAGIC.length + 8 + len);
}
