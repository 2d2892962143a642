// At most one event per key per interval: keeps a dead peer from turning every dropped heartbeat
// into a callback or a log line, while still reporting the first one at once.

export class RateLimiter<K> {
  private readonly last = new Map<K, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True if the event for `key` may happen now (and records that it did). */
  allow(key: K): boolean {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < this.intervalMs) return false;
    this.last.set(key, t);
    return true;
  }

  forget(key: K): void {
    this.last.delete(key);
  }
}
