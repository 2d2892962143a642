// The flow-control window of one follower: the appends sent but not yet acknowledged.
// A ring buffer of the last index of each in-flight MsgApp; full means "stop sending".

export class Inflights {
  private start = 0;
  private count = 0;
  private readonly buffer: number[];
  readonly size: number;

  constructor(size: number) {
    this.size = size;
    this.buffer = new Array<number>(size).fill(0);
  }

  clone(): Inflights {
    const c = new Inflights(this.size);
    for (let i = 0; i < this.count; i++) c.add(this.buffer[(this.start + i) % this.size]!);
    return c;
  }

  /** Record an append whose last entry is `index`. Indexes must be added in increasing order. */
  add(index: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights window');
    this.buffer[(this.start + this.count) % this.size] = index;
    this.count++;
  }

  /** The follower acknowledged up to `to`: everything up to it is no longer in flight. */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.buffer[this.start]!) return;
    let i = 0;
    let idx = this.start;
    for (; i < this.count; i++) {
      if (to < this.buffer[idx]!) break;
      idx = (idx + 1) % this.size;
    }
    this.count -= i;
    this.start = idx;
    if (this.count === 0) this.start = 0;
  }

  full(): boolean {
    return this.count === this.size;
  }

  length(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
    this.start = 0;
  }
}
