// Automatic history compaction, as etcd 3.4's v3compactor does it (`--auto-compaction-mode`,
// `--auto-compaction-retention`). The decisions are pure policies over numbers (a time, a
// revision, "am I the leader"), driven by a loop with an injected clock, so every rule is unit
// tested without waiting minutes. The compaction itself is proposed through the Raft log like a
// client's Compact: every member compacts at the same point of the log.
//
// periodic (retention = a duration; a bare number means hours):
//   - every 1/10 of min(retention, 1h) the current revision is sampled, keeping enough samples
//     that the oldest is the revision that was current one retention ago;
//   - the first compaction comes one retention after start, later ones every min(retention, 1h)
//     after the last success, each to the oldest sample; a failure is retried at the next sample.
// revision (retention = a number of revisions):
//   - every 5 minutes, compact to current - retention, unless that is <= 0 or was done already.
// Only the leader compacts (followers' loops keep sampling, so a new leader has the history);
// "already compacted" counts as success, as in etcd.

import { setTimeout as sleepFor } from 'node:timers/promises';
import { ETCD_ERRORS } from '../client/errors.js';
import { DurationError, parseGoDuration } from './go-duration.js';

export type AutoCompactionMode = 'periodic' | 'revision';

export type AutoCompactionSetting = { mode: 'periodic'; periodMs: number } | { mode: 'revision'; retention: number };

const HOUR_MS = 3600_000;

/** etcd's revision-mode check interval (v3compactor's revInterval). */
export const REVISION_CHECK_INTERVAL_MS = 5 * 60_000;

/** periodic mode samples the revision this many times per compaction interval. */
const RETRY_DIVISOR = 10;

/**
 * `--auto-compaction-retention` as etcd 3.4 reads it (embed.parseCompactionRetention): a
 * non-negative integer is hours (periodic) or revisions (revision); anything else must be a Go
 * duration, which in revision mode etcd takes as its count of nanoseconds. Returns undefined when
 * auto compaction is off (a zero retention). Throws with etcd's message.
 */
export function parseAutoCompaction(mode: AutoCompactionMode, retention: string): AutoCompactionSetting | undefined {
  let nanos: number;
  if (/^[+-]?\d+$/.test(retention) && Number(retention) >= 0) {
    const n = Number(retention);
    if (n === 0) return undefined;
    return mode === 'periodic' ? { mode, periodMs: n * HOUR_MS } : { mode, retention: n };
  }
  try {
    nanos = parseGoDuration(retention);
  } catch (e) {
    if (e instanceof DurationError) throw new Error(`error parsing CompactionRetention: ${e.message}`);
    throw e;
  }
  if (nanos === 0) return undefined;
  // etcd 3.4 starts a compactor with a negative period, which then compacts in a tight loop;
  // refusing the flag is the only sane reading.
  if (nanos < 0) throw new Error(`error parsing CompactionRetention: negative retention ${JSON.stringify(retention)}`);
  return mode === 'periodic' ? { mode, periodMs: nanos / 1e6 } : { mode, retention: nanos };
}

/** The decisions of one mode. The driver calls beforeWait, waits waitMs, then decide. */
export interface CompactionPolicy {
  readonly waitMs: number;
  /** Called before every wait with the current revision. */
  beforeWait(rev: number): void;
  /** After a wait: the revision to compact now, or undefined. */
  decide(now: number, paused: boolean, rev: number): number | undefined;
  /** The outcome of the compaction decide() asked for. */
  finished(now: number, rev: number, ok: boolean): void;
  /** For log lines: what the retention is. */
  readonly describe: Record<string, string | number>;
}

export class PeriodicPolicy implements CompactionPolicy {
  readonly waitMs: number;
  private readonly compactIntervalMs: number;
  private readonly retentions: number;
  /** Sampled revisions, oldest first; revs[0] is the revision of one period ago once full. */
  private readonly revs: number[] = [];
  private lastSuccess: number;
  /** The first compaction waits the whole period; later ones the compaction interval. */
  private baseIntervalMs: number;

  constructor(
    private readonly periodMs: number,
    startedAt: number,
  ) {
    this.compactIntervalMs = Math.min(periodMs, HOUR_MS);
    this.waitMs = this.compactIntervalMs / RETRY_DIVISOR;
    this.retentions = Math.floor(periodMs / this.waitMs) + 1;
    this.lastSuccess = startedAt;
    this.baseIntervalMs = periodMs;
  }

  get describe(): Record<string, string | number> {
    return { 'compact-period': formatMs(this.periodMs) };
  }

  beforeWait(rev: number): void {
    this.revs.push(rev);
    if (this.revs.length > this.retentions) this.revs.shift();
  }

  decide(now: number, paused: boolean): number | undefined {
    if (paused || now - this.lastSuccess < this.baseIntervalMs) return undefined;
    this.baseIntervalMs = this.compactIntervalMs;
    return this.revs[0];
  }

  finished(now: number, _rev: number, ok: boolean): void {
    if (ok) this.lastSuccess = now;
  }

  /** The samples held (for tests). */
  samples(): readonly number[] {
    return this.revs;
  }
}

export class RevisionPolicy implements CompactionPolicy {
  readonly waitMs: number;
  private prev = 0;

  constructor(
    private readonly retention: number,
    waitMs = REVISION_CHECK_INTERVAL_MS,
  ) {
    this.waitMs = waitMs;
  }

  get describe(): Record<string, string | number> {
    return { 'revision-compaction-retention': this.retention };
  }

  beforeWait(): void {}

  decide(_now: number, paused: boolean, rev: number): number | undefined {
    if (paused) return undefined;
    const target = rev - this.retention;
    if (target <= 0 || target === this.prev) return undefined;
    return target;
  }

  finished(_now: number, rev: number, ok: boolean): void {
    if (ok) this.prev = rev;
  }
}

export function policyFor(setting: AutoCompactionSetting, now: number): CompactionPolicy {
  return setting.mode === 'periodic' ? new PeriodicPolicy(setting.periodMs, now) : new RevisionPolicy(setting.retention);
}

export interface Clock {
  now(): number;
  /** Resolve after ms, or early (without error) when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined),
};

export interface CompactorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AutoCompactorDeps {
  policy: CompactionPolicy;
  mode: AutoCompactionMode;
  clock: Clock;
  currentRevision(): number;
  /** Followers do not compact (etcd pauses the compactor when leadership is lost). */
  isLeader(): boolean;
  /** Propose the compaction and wait for it to apply; etcd's "compacted" error means it was done already. */
  compact(rev: number): Promise<void>;
  logger: CompactorLogger;
}

/** The loop: sample, wait, decide, compact; one compaction at a time, like etcd's goroutine. */
export class AutoCompactor {
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(private readonly deps: AutoCompactorDeps) {}

  start(): void {
    this.done ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    const d = this.deps;
    const { policy } = d;
    while (!this.abort.signal.aborted) {
      policy.beforeWait(d.currentRevision());
      await d.clock.sleep(policy.waitMs, this.abort.signal);
      if (this.abort.signal.aborted) return;
      const target = policy.decide(d.clock.now(), !d.isLeader(), d.currentRevision());
      if (target === undefined) continue;
      const fields = { revision: target, ...policy.describe };
      d.logger.info(fields, `starting auto ${d.mode} compaction`);
      const began = d.clock.now();
      let failure: string | undefined;
      try {
        await d.compact(target);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // A revision compacted already (by a client, or before a leader change) is success.
        if (message !== ETCD_ERRORS.Compacted.message) failure = message;
      }
      const ok = failure === undefined;
      if (ok) d.logger.info({ ...fields, took: formatMs(d.clock.now() - began) }, `completed auto ${d.mode} compaction`);
      else d.logger.warn({ ...fields, 'retry-interval': formatMs(policy.waitMs), error: failure }, `failed auto ${d.mode} compaction`);
      policy.finished(d.clock.now(), target, ok);
    }
  }
}

/** Milliseconds the way Go prints a Duration's common cases ("5s", "1h0m0s", "300ms"). */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / HOUR_MS);
  const m = Math.floor((ms % HOUR_MS) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
