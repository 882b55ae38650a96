// Every scan worker must get its own gc(), even when several start at the same instant: the flag that exposes it
// is process-wide, and without the shared lock one worker's unset fell between another's set and its context
// (seen: "gc is not defined" in one inspect out of twelve). The flag must be off again afterwards.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { GC_FLAG_LOCK, GC_FLAG_LOCK_STALE_MS } from './young-gc.ts';

/** Workers started at once: more than cores, so their starts overlap. */
const WORKERS = 6;

/** Starts a worker that makes a YoungGc with `lock`, and answers whether it got gc(). */
function probe(lock: SharedArrayBuffer = GC_FLAG_LOCK): Promise<unknown> {
  const url = new URL('./young-gc.ts', import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import('tsx/esm/api')
      .then(({ register }) => { register(); return import(${JSON.stringify(url)}); })
      .then(({ YoungGc }) => {
        const young = new YoungGc(workerData);
        young.afterRead(0);
        young.afterRead(64 * 1024 * 1024); // a minor GC runs
        parentPort.postMessage(young.available);
      });`;
  const worker = new Worker(code, { eval: true, workerData: lock });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: unknown) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('YoungGc', () => {
  it('gives every worker started at once its gc(), and leaves the flag off', async () => {
    const answers = await Promise.all(Array.from({ length: WORKERS }, () => probe()));
    assert.deepEqual(
      answers,
      Array.from({ length: WORKERS }, () => true),
    );
    assert.equal(runInNewContext('typeof gc'), 'undefined', 'a context made afterwards has no gc()');
  });

  it('waits for a lock another thread holds, and goes on once it is given back', async () => {
    const lock = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const held = new Int32Array(lock);
    Atomics.store(held, 0, 1);
    const url = new URL('./young-gc.ts', import.meta.url).href;
    // The worker says when it has loaded the module, then makes its YoungGc and says when it got past the lock.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import('tsx/esm/api')
        .then(({ register }) => { register(); return import(${JSON.stringify(url)}); })
        .then(({ YoungGc }) => {
          parentPort.postMessage('loaded');
          const young = new YoungGc(workerData);
          parentPort.postMessage({ available: young.available, at: Date.now() });
        });`;
    const worker = new Worker(code, { eval: true, workerData: lock });
    try {
      const next = (): Promise<unknown> =>
        new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      assert.equal(await next(), 'loaded');
      const answer = next();
      await new Promise((resolve) => setTimeout(resolve, 300)); // the worker is waiting on the lock now
      const releasedAt = Date.now();
      Atomics.store(held, 0, 0);
      Atomics.notify(held, 0);
      const { available, at } = (await answer) as { available: boolean; at: number };
      assert.equal(available, true);
      assert.ok(at >= releasedAt, 'the worker got past the lock only after it was given back');
      assert.ok(at - releasedAt < GC_FLAG_LOCK_STALE_MS / 2, 'and at once, not by taking over a stale lock');
      assert.equal(Atomics.load(held, 0), 0, 'the worker gave it back in turn');
    } finally {
      await worker.terminate();
    }
  });

  it('takes over a lock left held by a thread that was terminated inside it', async () => {
    const lock = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    Atomics.store(new Int32Array(lock), 0, 1); // never given back
    const started = Date.now();
    assert.equal(await probe(lock), true);
    assert.ok(Date.now() - started >= GC_FLAG_LOCK_STALE_MS, 'only once the lock was stale');
    assert.equal(Atomics.load(new Int32Array(lock), 0), 0);
  });
});
