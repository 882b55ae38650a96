// One scan worker thread and the job it is running. A thread runs one job at a time; it keeps the process alive
// only while it has one. If the thread dies (an exception, an exit, a terminate), its job fails with the reason,
// once the thread has exited: a read it had started on the job's file descriptor has ended by then, so the caller
// may close the descriptor.
import type { Worker } from 'node:worker_threads';
import type { BlobScan } from '../blob-scan.ts';
import { fromWireError, fromWireScan, parseScanAnswer, type ScanJob } from './job.ts';
import { startScanWorker } from './start.ts';

interface Running {
  id: number;
  resolve: (scan: BlobScan) => void;
  reject: (e: unknown) => void;
}

export class ScanThread {
  private readonly worker: Worker;
  private running: Running | null = null;
  private deadReason: Error | null = null; // set by a crash at once (no new job), by an exit otherwise

  constructor() {
    this.worker = startScanWorker();
    this.worker.unref(); // an idle thread never holds the process open
    this.worker.on('message', (message: unknown) => this.answered(message));
    // An answer that cannot be deserialized would otherwise leave its job, and a slot of the pool, waiting forever.
    this.worker.on('messageerror', (e: Error) => this.settle()?.reject(e));
    this.worker.on('error', (e: Error) => (this.deadReason ??= e)); // the running job fails on exit, with this
    this.worker.on('exit', (code: number) => this.died(new Error(`a scan worker exited with code ${code}`)));
  }

  get alive(): boolean {
    return this.deadReason === null;
  }

  run(job: ScanJob): Promise<BlobScan> {
    if (this.deadReason) return Promise.reject(this.deadReason);
    if (this.running) return Promise.reject(new Error(`a scan worker got job ${job.id} while running another`));
    return new Promise<BlobScan>((resolve, reject) => {
      this.running = { id: job.id, resolve, reject };
      this.worker.ref();
      this.worker.postMessage(job);
    });
  }

  /** Stops the thread; a job it was running fails. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private answered(message: unknown): void {
    const running = this.settle();
    if (!running) return;
    try {
      const answer = parseScanAnswer(message);
      if (answer.id !== running.id) throw new Error(`a scan worker answered job ${answer.id}, not ${running.id}`);
      if (answer.ok) running.resolve(fromWireScan(answer.scan));
      else running.reject(fromWireError(answer.error));
    } catch (e: unknown) {
      running.reject(e);
    }
  }

  private died(exit: Error): void {
    this.deadReason ??= exit;
    this.settle()?.reject(this.deadReason);
  }

  private settle(): Running | null {
    const running = this.running;
    this.running = null;
    this.worker.unref();
    return running;
  }
}
