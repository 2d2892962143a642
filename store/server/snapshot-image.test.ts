import { describe, expect, it } from 'vitest';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import { encodeImage, SnapshotAbortedError, type FrozenImage, type SnapshotImage } from './snapshot-image.js';
import { encodeBinary } from './state/binary.js';
import { decodeStored, type KvLogRequest } from './state/requests.js';
import { StateMachine } from './state/state-machine.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

function populated(puts: number) {
  const sm = new StateMachine(new MvccStore(), new Lessor({ minTtlSeconds: 2, now: () => 0 }));
  const apply = (r: KvLogRequest) => sm.apply(r);
  apply({ leaseGrant: { id: 7n, ttl: 60 } });
  for (let i = 0; i < puts; i++) apply({ put: { key: b(`key-${i % 500}`), value: b(`value-${i}`), ...(i % 7 === 0 ? { lease: 7n } : {}) } });
  apply({ deleteRange: { key: b('key-1'), rangeEnd: b('key-2') } });
  return { sm, apply };
}

const members = { members: [], removed: ['42'] };
const alarms = [{ memberId: '42', alarm: 'NOSPACE' as const }];

/** The image as the member made it before it encoded in slices: everything dumped, encoded in one go. */
const oneGo = (sm: StateMachine): SnapshotImage => decodeStored<SnapshotImage>(encodeBinary({ kv: sm.dump(), members, alarms }));
const frozen = (sm: StateMachine): FrozenImage => ({ ...sm.freeze(), members, alarms });

describe('snapshot image encoded in slices', () => {
  it('decodes to the image encoded in one go', async () => {
    const { sm } = populated(3000);
    const data = await encodeImage(frozen(sm), { sizeHint: 1024, sliceMs: 0 });
    expect(decodeStored<SnapshotImage>(data)).toEqual(oneGo(sm));
  });

  it('is the state at the freeze, whatever is applied or compacted while it is encoded', async () => {
    const { sm, apply } = populated(3000);
    const want = oneGo(sm);
    const image = frozen(sm);
    // Between slices the member goes on: new revisions, a compaction that drops most of the
    // history the image holds, a lease revoked with its keys.
    let slices = 0;
    const pause = async () => {
      slices++;
      apply({ put: { key: b(`late-${slices}`), value: b('x') } });
      if (slices === 3) apply({ compaction: { revision: sm.kv.revision - 10 } });
      if (slices === 5) apply({ leaseRevoke: { id: 7n } });
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    const data = await encodeImage(image, { sizeHint: 1024, sliceMs: 0, pause });
    expect(slices).toBeGreaterThan(5);
    expect(decodeStored<SnapshotImage>(data)).toEqual(want);
    expect(sm.kv.compactRevision).toBeGreaterThan(0);
  });

  it('gives the event loop back between slices', async () => {
    const { sm } = populated(20000);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    await encodeImage(frozen(sm), { sizeHint: 1024, sliceMs: 1 });
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(2);
  });

  it('stops between slices when aborted', async () => {
    const { sm } = populated(20000);
    let stop = false;
    setImmediate(() => (stop = true));
    await expect(encodeImage(frozen(sm), { sizeHint: 1024, sliceMs: 0, aborted: () => stop })).rejects.toBeInstanceOf(SnapshotAbortedError);
  });
});
