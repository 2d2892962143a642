// Reconnect delays: exponential, capped, with jitter.
//
// Without jitter, members that lost a peer at the same moment would all redial it at the same
// moments too; "equal jitter" keeps at least half the delay (so a dead peer is not hammered) and
// randomizes the other half.

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the base, up to the cap. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(base / 2 + (this.random() * base) / 2);
  }

  /** Back to the initial delay (after a success). */
  reset(): void {
    this.attempt = 0;
  }
}
