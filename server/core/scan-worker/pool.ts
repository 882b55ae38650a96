// Layer scans on worker threads, one per core. Hashing the stored and the decompressed bytes (sha256) is the
// bulk of a scan's work and runs synchronously, so scans that share the main thread take turns on one core:
// measured on 2 cores, 4 gzip layers of 256 MiB took 4.4 s in-process with the main thread always busy, and
// 2.1-2.6 s on two workers. Threads start on first use and stop after SCAN_THREAD_IDLE_MS without work, so a read
// without big layers starts none, and a server keeps none while idle. One pool serves the whole process
// (sharedLayerScanPool): thirty learners' checks at once still run one scan per core, not thirty times that.
import type { BlobScan } from '../blob-scan.ts';
import type { CaptureRequest } from '../files/capture.ts';
import type { EntryBudget } from '../limits.ts';
import { PARALLEL_LAYER_SCANS, PARALLEL_MIN_MEMBER_BYTES, ScanSlots } from '../scan-slots.ts';
import type { ScanJob } from './job.ts';
import { scanRange, type RangeScan } from './scan-range.ts';
import { ScanThread } from './scan-thread.ts';

/**
 * A slot reserved for one scan. `run` scans on a worker thread, or on the calling thread when the blob is smaller
 * than PARALLEL_MIN_MEMBER_BYTES, and gives the slot back when the scan settles; the file descriptor must stay open
 * until then. `release` gives back a slot that will not run (its blob could not be opened); it is idempotent.
 */
export interface ReservedScan {
  run(scan: RangeScan, signal?: AbortSignal): Promise<BlobScan>;
  release(): void;
}

/** A thread with no scan for this long (ms) stops: a second scan soon after reuses it, an idle server keeps none. */
export const SCAN_THREAD_IDLE_MS = 10_000;

interface IdleThread {
  thread: ScanThread;
  expiry: NodeJS.Timeout;
}

export class LayerScanPool {
  private readonly slots: ScanSlots;
  private readonly idle: IdleThread[] = [];
  private readonly threads = new Set<ScanThread>();
  private nextJob = 1;
  private started = 0;
  private onThreads = 0;
  private disposed = false;

  constructor(
    readonly size: number = PARALLEL_LAYER_SCANS,
    private readonly idleMs: number = SCAN_THREAD_IDLE_MS,
  ) {
    this.slots = new ScanSlots(size);
  }

  /** Reservations waiting for a slot now. */
  get queued(): number {
    return this.slots.queued;
  }

  /** Threads running now, busy or idle. */
  get threadsAlive(): number {
    return this.threads.size;
  }

  /**
   * Waits for a free slot and keeps it for one scan, so a reader can stop reading until a thread is free. An abort
   * while waiting rejects with the signal's reason.
   */
  async reserve(signal?: AbortSignal): Promise<ReservedScan> {
    const release = await this.slots.acquire(signal);
    let used = false;
    return {
      run: async (scan, runSignal) => {
        if (used) throw new Error('a reserved scan slot runs one scan');
        used = true;
        try {
          if (scan.length < PARALLEL_MIN_MEMBER_BYTES) return await scanRange(scan, () => runSignal?.throwIfAborted());
          return await this.runOnThread(scan, runSignal);
        } finally {
          release();
        }
      },
      release,
    };
  }

  /** Threads started so far, replacements for dead ones included. */
  get threadsStarted(): number {
    return this.started;
  }

  async scan(scan: RangeScan, signal?: AbortSignal): Promise<BlobScan> {
    return (await this.reserve(signal)).run(scan, signal);
  }

  /** Scans sent to a thread so far (smaller blobs, scanned on the calling thread, are not counted). */
  get scansOnThreads(): number {
    return this.onThreads;
  }

  /** Stops every thread. Scans still running fail; callers await their scans before disposing. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const { expiry } of this.idle.splice(0)) clearTimeout(expiry);
    const threads = [...this.threads];
    this.threads.clear();
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private async runOnThread(scan: RangeScan, signal: AbortSignal | undefined): Promise<BlobScan> {
    if (this.disposed) throw new Error('the layer scan pool is disposed');
    signal?.throwIfAborted();
    const thread = this.takeThread();
    this.onThreads++;
    const abort = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const stop = (): void => {
      Atomics.store(new Int32Array(abort), 0, 1);
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      return await thread.run(this.job(scan, abort));
    } catch (e: unknown) {
      signal?.throwIfAborted(); // a stopped scan reports the caller's reason, not the worker's
      throw e;
    } finally {
      signal?.removeEventListener('abort', stop);
      if (thread.alive && !this.disposed) this.rest(thread);
      else this.threads.delete(thread);
    }
  }

  /** Keeps an idle thread for the next scan, and stops it if none comes within idleMs. */
  private rest(thread: ScanThread): void {
    const expiry = setTimeout(() => {
      const at = this.idle.findIndex((i) => i.thread === thread);
      if (at !== -1) this.idle.splice(at, 1);
      this.threads.delete(thread);
      void thread.terminate();
    }, this.idleMs);
    expiry.unref(); // an idle thread never holds the process open
    this.idle.push({ thread, expiry });
  }

  private takeThread(): ScanThread {
    for (let i = this.idle.pop(); i; i = this.idle.pop()) {
      clearTimeout(i.expiry);
      if (i.thread.alive) return i.thread;
      this.threads.delete(i.thread);
    }
    const thread = new ScanThread();
    this.threads.add(thread);
    this.started++;
    return thread;
  }

  private job(scan: RangeScan, abort: SharedArrayBuffer): ScanJob {
    return {
      id: this.nextJob++,
      fd: scan.fd,
      start: scan.start,
      length: scan.length,
      label: scan.label,
      truncation: scan.truncation,
      limits: scan.limits,
      entries: entryBudgetOf(scan.budget),
      capture: captureOf(scan.capture),
      abort,
    };
  }
}

function entryBudgetOf(budget: EntryBudget): ScanJob['entries'] {
  return { max: budget.max, shared: budget.shared };
}

function captureOf(capture: CaptureRequest | null): ScanJob['capture'] {
  if (!capture) return null;
  return {
    wanted: [...capture.wanted],
    maxFileBytes: capture.maxFileBytes,
    budgetMax: capture.budget.max,
    budget: capture.budget.shared,
  };
}

let shared: LayerScanPool | null = null;

/** The process's pool, made on first use; its threads stop on their own when idle, so it is never disposed. */
export function sharedLayerScanPool(): LayerScanPool {
  shared ??= new LayerScanPool();
  return shared;
}
