// A scan worker's entry point: scans byte ranges of files its parent holds open, one job at a time, and answers
// each with the BlobScan or the error that stopped it. It keeps nothing between jobs.
import { parentPort, workerData } from 'node:worker_threads';
import { ByteBudget } from '../files/capture.ts';
import { EntryBudget } from '../limits.ts';
import { parseScanJob, SCAN_STOPPED_MESSAGE, toWireError, toWireScan, type ScanAnswer, type ScanJob } from './job.ts';
import { scanRange } from './scan-range.ts';
import { YoungGc } from './young-gc.ts';

if (!parentPort) throw new Error('server/core/scan-worker/worker runs only as a worker thread');
const port = parentPort;
if (!(workerData instanceof SharedArrayBuffer))
  throw new Error('a scan worker needs the GC flag lock as its workerData');
const youngGc = new YoungGc(workerData);

port.on('message', (message: unknown) => {
  let job: ScanJob;
  try {
    job = parseScanJob(message);
  } catch (e: unknown) {
    post({ id: -1, ok: false, error: toWireError(e) });
    return;
  }
  run(job).then(post, (e: unknown) => post({ id: job.id, ok: false, error: toWireError(e) }));
});

function post(answer: ScanAnswer): void {
  port.postMessage(answer);
}

async function run(job: ScanJob): Promise<ScanAnswer> {
  const stop = new Int32Array(job.abort);
  const capture = job.capture
    ? {
        wanted: new Set(job.capture.wanted),
        maxFileBytes: job.capture.maxFileBytes,
        budget: new ByteBudget(job.capture.budgetMax, job.capture.budget),
      }
    : null;
  const scan = await scanRange(
    { ...job, budget: new EntryBudget(job.entries.max, job.entries.shared), capture },
    (bytesRead) => {
      if (Atomics.load(stop, 0) !== 0) throw new Error(SCAN_STOPPED_MESSAGE);
      youngGc.afterRead(bytesRead);
    },
  );
  return { id: job.id, ok: true, scan: toWireScan(scan) };
}
