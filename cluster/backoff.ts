// The supervisor's restart delay: 1s, doubling per crash, at most 30s; a component that stayed up
// for a minute has recovered, and its next crash starts from 1s again.

export const MIN_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 30_000;
export const HEALTHY_RUN_MS = 60_000;

export class RestartBackoff {
  private crashes = 0;

  /** The delay before restarting after a crash of a process that ran for `ranMs`. */
  next(ranMs: number): number {
    if (ranMs >= HEALTHY_RUN_MS) this.crashes = 0;
    const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.crashes);
    this.crashes++;
    return delay;
  }
}
