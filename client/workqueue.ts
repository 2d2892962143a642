// client-go's rate-limited work queue (util/workqueue), with its guarantees:
//  - a key is in the queue at most once (adding it again while queued is a no-op: "dirty" set);
//  - a key is handed to at most one worker at a time ("processing" set); added again while being
//    processed, it is queued again when the worker calls done(), so the change is not lost;
//  - addAfter waits (a key waiting twice keeps the earlier time), addRateLimited waits the key's
//    backoff (see rate-limiter.ts), forget resets it;
//  - after shutDown, adds are ignored, keys already queued are still handed out, and get()
//    answers undefined once the queue is empty, waking every waiting worker.

import { defaultControllerRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import type { WorkQueue } from './types.js';

export interface WorkQueueOptions extends RateLimiterOptions {
  /** What log lines call this queue. */
  name?: string;
  rateLimiter?: RateLimiter;
}

export class RateLimitedWorkQueue implements WorkQueue {
  readonly name: string;
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiting = new Map<string, { readyAt: number; timer: NodeJS.Timeout }>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly rateLimiter: RateLimiter;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.name = options.name ?? 'queue';
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(options);
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const readyAt = Date.now() + delayMs;
    const existing = this.waiting.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.waiting.set(key, { readyAt, timer });
  }

  addRateLimited(key: string): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** Failures counted for the key since its last forget. */
  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  get(): Promise<string | undefined> {
    const key = this.pop();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.push(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  len(): number {
    return this.queue.length - this.head;
  }

  /** Puts a dirty key in line, or straight into a waiting worker's hands. */
  private push(key: string): void {
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
      return;
    }
    this.queue.push(key);
  }

  private pop(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++]!;
    // Compact now and then so a long-lived queue does not keep its whole history.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}

export function createWorkQueue(options: WorkQueueOptions = {}): RateLimitedWorkQueue {
  return new RateLimitedWorkQueue(options);
}
