// Starts a scan worker thread. From the bundle (dist/), the worker is dist/scan-worker.js, built from
// ./worker.ts by build.mjs. From the sources (tests, `node --import tsx`), it is ./worker.ts, and tsx's loader,
// which a worker thread does not inherit, is registered in the worker first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GC_FLAG_LOCK } from './young-gc.ts';

/** The bundle's file name for the worker (build.mjs writes it at the top of dist/). */
export const BUNDLED_WORKER_FILE = 'scan-worker.js';

let entry: { url: URL; fromSource: boolean } | null = null;

/** Where the worker's code is: looked up on the first start, the same for every later one. */
function workerEntry(): { url: URL; fromSource: boolean } {
  entry ??= findWorkerEntry();
  return entry;
}

function findWorkerEntry(): { url: URL; fromSource: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), fromSource: true };
  // This module is in dist/cli.js or in a chunk under dist/chunks/.
  for (const candidate of [`./${BUNDLED_WORKER_FILE}`, `../${BUNDLED_WORKER_FILE}`]) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return { url, fromSource: false };
  }
  throw new Error(
    `the scan worker ${BUNDLED_WORKER_FILE} is missing beside ${fileURLToPath(here)}: rebuild with npm run build`,
  );
}

export function startScanWorker(): Worker {
  const { url, fromSource } = workerEntry();
  const workerData = GC_FLAG_LOCK;
  if (!fromSource) return new Worker(url, { workerData });
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(load, { eval: true, workerData });
}
