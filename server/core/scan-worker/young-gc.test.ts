// Every scan worker must get its own gc(), even when several start at the same instant: the flag that exposes it
// is process-wide, and without the shared lock one worker's unset fell between another's set and its context
// (seen: "gc is not defined" in one inspect out of twelve). The flag must be off again afterwards.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { GC_FLAG_LOCK } from './young-gc.ts';

/** Workers started at once: more than cores, so their starts overlap. */
const WORKERS = 6;

function probe(): Promise<unknown> {
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
  const worker = new Worker(code, { eval: true, workerData: GC_FLAG_LOCK });
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
    const answers = await Promise.all(Array.from({ length: WORKERS }, probe));
    assert.deepEqual(
      answers,
      Array.from({ length: WORKERS }, () => true),
    );
    assert.equal(runInNewContext('typeof gc'), 'undefined', 'a context made afterwards has no gc()');
  });
});
