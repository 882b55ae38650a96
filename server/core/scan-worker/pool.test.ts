// Layer scans on worker threads must answer exactly what the same scan on the main thread answers (digests,
// diff_id, entries, wanted files, errors with their codes), share the read's budgets with the main thread, stop
// when asked, and fail (never hang) when their thread dies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { isCoreError } from '../errors.ts';
import { ByteBudget, type CaptureRequest } from '../files/capture.ts';
import { DEFAULT_LIMITS, EntryBudget } from '../limits.ts';
import { PARALLEL_MIN_MEMBER_BYTES } from '../scan-slots.ts';
import { LayerScanPool } from './pool.ts';
import { scanRange, type RangeScan } from './scan-range.ts';

/** Bytes before the layer in the test file, so every scan reads at an offset as it does inside a docker-save. */
const LEAD_BYTES = 1536;

let work: string;
let fd: number;
let layer: { tar: Buffer; gz: Buffer };

async function tarOf(files: { name: string; body: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.name, size: f.body.length, mode: 0o640 }, f.body);
  pack.finalize();
  return buffer(pack as unknown as NodeJS.ReadableStream);
}

function rangeOf(length: number, budget = new EntryBudget(1000), capture: CaptureRequest | null = null): RangeScan {
  return {
    fd,
    start: LEAD_BYTES,
    length,
    label: 'test layer',
    truncation: { source: 'test file', member: 'layer.tar.gz' },
    limits: DEFAULT_LIMITS,
    budget,
    capture,
  };
}

function captureOf(max = 1024 * 1024): CaptureRequest {
  return { wanted: new Set(['/etc/motd']), maxFileBytes: 1024, budget: new ByteBudget(max) };
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stepwise-scan-pool-'));
  const files = [
    { name: 'etc/motd', body: Buffer.from('welcome\n') },
    ...Array.from({ length: 40 }, (_, i) => ({ name: `data/f${i}.bin`, body: randomBytes(160 * 1024) })),
  ];
  const t = await tarOf(files);
  layer = { tar: t, gz: gzipSync(t, { level: 1 }) };
  assert.ok(layer.gz.length > PARALLEL_MIN_MEMBER_BYTES, 'the layer must be big enough for a worker');
  const path = join(work, 'file');
  writeFileSync(path, Buffer.concat([randomBytes(LEAD_BYTES), layer.gz, randomBytes(512)]));
  fd = openSync(path, 'r');
});

after(() => {
  closeSync(fd);
  rmSync(work, { recursive: true, force: true });
});

describe('LayerScanPool', () => {
  it('answers what the main thread answers, and carries captured files back as Buffers', async () => {
    const pool = new LayerScanPool(2);
    try {
      const onWorker = await pool.scan(rangeOf(layer.gz.length, new EntryBudget(1000), captureOf()));
      const here = await scanRange(rangeOf(layer.gz.length, new EntryBudget(1000), captureOf()), () => {});
      assert.equal(pool.threadsStarted, 1);
      assert.equal(onWorker.digest, `sha256:${createHash('sha256').update(layer.gz).digest('hex')}`);
      assert.equal(onWorker.diffId, `sha256:${createHash('sha256').update(layer.tar).digest('hex')}`);
      assert.deepEqual({ ...onWorker, files: null }, { ...here, files: null });
      const motd = onWorker.files.get('/etc/motd');
      assert.ok(motd?.content && Buffer.isBuffer(motd.content));
      assert.equal(motd.content.toString(), 'welcome\n');
      assert.deepEqual(motd, here.files.get('/etc/motd'));
    } finally {
      await pool.dispose();
    }
  });

  it('draws on the same entry and capture budgets as the main thread', async () => {
    const pool = new LayerScanPool(2);
    try {
      const entries = new EntryBudget(1000);
      const capture = captureOf();
      await pool.scan(rangeOf(layer.gz.length, entries, capture));
      assert.equal(entries.count, 41, 'the worker took one entry per file from the shared count');
      assert.equal(capture.budget.take(1024 * 1024 - 8), true, 'the worker took 8 bytes of the capture budget');
      assert.equal(capture.budget.take(1), false);

      const small = await pool.scan(rangeOf(layer.gz.length, new EntryBudget(10)));
      assert.ok(isCoreError(small.error), 'the scan records the budget error as a CoreError');
      assert.equal(small.error.code, 'TAR_TOO_MANY_ENTRIES');
    } finally {
      await pool.dispose();
    }
  });

  it('keeps the code of an error thrown on the worker', async () => {
    const pool = new LayerScanPool(1);
    try {
      await assert.rejects(pool.scan(rangeOf(layer.gz.length + 4096)), (e: unknown) => {
        assert.ok(isCoreError(e));
        assert.equal(e.code, 'TAR_TRUNCATED');
        assert.match(e.message, /^test file is truncated at byte \d+ inside member "layer\.tar\.gz"$/);
        return true;
      });
      const after = await pool.scan(rangeOf(layer.gz.length));
      assert.equal(after.error, null, 'the thread serves the next scan');
      assert.equal(pool.threadsStarted, 1);
    } finally {
      await pool.dispose();
    }
  });

  it('stops a scan when its signal aborts, with the signal’s reason, and keeps the thread', async () => {
    const pool = new LayerScanPool(1);
    try {
      const stop = new AbortController();
      const reason = new Error('the caller went away');
      const scan = pool.scan(rangeOf(layer.gz.length), stop.signal);
      setImmediate(() => stop.abort(reason));
      await assert.rejects(scan, (e: unknown) => e === reason);
      assert.equal((await pool.scan(rangeOf(layer.gz.length))).error, null);
      assert.equal(pool.threadsStarted, 1);
    } finally {
      await pool.dispose();
    }
  });

  it('scans a blob under the worker threshold on the calling thread', async () => {
    const pool = new LayerScanPool(1);
    try {
      const small = await pool.scan({ ...rangeOf(PARALLEL_MIN_MEMBER_BYTES - 1), label: 'prefix' });
      assert.ok(isCoreError(small.error), 'a cut-off gzip stream is not a readable layer');
      assert.equal(pool.threadsStarted, 0);
    } finally {
      await pool.dispose();
    }
  });

  it('fails a running scan, instead of hanging, when its thread is stopped', async () => {
    const pool = new LayerScanPool(1);
    const scan = pool.scan(rangeOf(layer.gz.length));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the thread has started and taken the job
    await pool.dispose();
    await assert.rejects(scan, /scan worker exited|disposed/);
    await assert.rejects(pool.scan(rangeOf(layer.gz.length)), /disposed/);
  });

  it('runs at most its size of scans at once', async () => {
    const pool = new LayerScanPool(2);
    try {
      const scans = Array.from({ length: 5 }, () => pool.scan(rangeOf(layer.gz.length)));
      for (const s of await Promise.all(scans)) assert.equal(s.error, null);
      assert.equal(pool.threadsStarted, 2, 'two threads served five scans');
    } finally {
      await pool.dispose();
    }
  });

  it('stops a thread that has had no scan for its idle time, and starts one again when needed', async () => {
    const idleMs = 200;
    const pool = new LayerScanPool(1, idleMs);
    try {
      await pool.scan(rangeOf(layer.gz.length));
      assert.equal(pool.threadsAlive, 1, 'the thread waits for the next scan');
      await new Promise((resolve) => setTimeout(resolve, idleMs * 3));
      assert.equal(pool.threadsAlive, 0, 'an idle thread stops');
      assert.equal((await pool.scan(rangeOf(layer.gz.length))).error, null);
      assert.equal(pool.threadsStarted, 2);
    } finally {
      await pool.dispose();
    }
  });

  it('gives up waiting for a slot when the signal aborts, and gives back a slot that never ran', async () => {
    const pool = new LayerScanPool(1);
    try {
      const held = await pool.reserve();
      const stop = new AbortController();
      const waiting = pool.reserve(stop.signal);
      stop.abort(new Error('gone'));
      await assert.rejects(waiting, /gone/);
      held.release(); // its blob could not be opened, say
      held.release(); // twice is once
      const next = await pool.reserve();
      const third = pool.reserve();
      const first = await Promise.race([
        third.then(() => 'a second slot'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 100)),
      ]);
      assert.equal(first, 'waiting', 'the slot came back once, not twice');
      assert.equal((await next.run(rangeOf(layer.gz.length))).error, null);
      assert.equal((await (await third).run(rangeOf(layer.gz.length))).error, null);
    } finally {
      await pool.dispose();
    }
  });
});
