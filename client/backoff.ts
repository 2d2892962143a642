// Waiting between retries: exponential backoff with jitter (client-go's wait.Backoff), and a sleep
// that an AbortSignal ends early. Jitter matters because every component restarts at once when
// the apiserver comes back; without it they would all knock on the same millisecond.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Multiplies the delay after each failure. */
  factor?: number;
  /** Adds up to this fraction of the delay at random (client-go's Jitter). */
  jitter?: number;
  /** A success this long after the last failure starts the sequence over (client-go's resetDuration). */
  resetAfterMs?: number;
}

/** One retry sequence: next() gives the delay before the next attempt. */
export class Backoff {
  private current: number;
  private lastFailureAt = 0;

  constructor(private readonly options: BackoffOptions) {
    this.current = options.initialMs;
  }

  next(now = Date.now()): number {
    const { initialMs, maxMs, factor = 2, jitter = 1, resetAfterMs } = this.options;
    if (resetAfterMs !== undefined && this.lastFailureAt > 0 && now - this.lastFailureAt > resetAfterMs) this.current = initialMs;
    this.lastFailureAt = now;
    const base = this.current;
    this.current = Math.min(maxMs, this.current * factor);
    return Math.min(maxMs, base + Math.random() * jitter * base);
  }

  reset(): void {
    this.current = this.options.initialMs;
    this.lastFailureAt = 0;
  }
}

/** Resolves after ms, or at once (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
