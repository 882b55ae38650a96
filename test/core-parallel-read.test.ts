// inspect's parallel path: a tar file whose big layer members are scanned by second readers, and an OCI layout
// whose layers are scanned at once, must report exactly what the single pass over the same bytes as a stream
// reports (digests, diff_ids, entries, wanted files, errors), and say which path it took.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inspect, inspectStream, isCoreError, toInspectJson, type InspectResult } from '../server/core/index.ts';
import { PARALLEL_LAYER_SCANS, PARALLEL_MIN_MEMBER_BYTES } from '../server/core/scan-slots.ts';
import { sharedLayerScanPool } from '../server/core/scan-worker/pool.ts';
import { configOf, dockerArchive, makeLayers, sha256, tarOf, type Layer } from './harness/parallel-archive.ts';

const work = mkdtempSync(join(tmpdir(), 'stepwise-parallel-read-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function ociLayout(dir: string, layers: Layer[]): void {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer): { digest: string; size: number } => {
    const digest = sha256(b);
    writeFileSync(join(blobs, digest.slice(7)), b);
    return { digest, size: b.length };
  };
  const config = put(configOf(layers));
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(l.blob) })),
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
    }),
  );
}

/** The document without the field that says how it was read. */
function facts(r: InspectResult): unknown {
  const { read: _read, source: _source, ...rest } = toInspectJson(r, { files: true, changes: true });
  return rest;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e: unknown) {
    if (isCoreError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('the parallel read of a file reports what the single pass reports', async () => {
  const layers = await makeLayers();
  const archive = join(work, 'image.tar');
  writeFileSync(archive, await dockerArchive(layers));

  it('a docker-archive file: same digests, diff_ids, entries and tree as the same bytes streamed', async () => {
    const parallel = await inspect(archive, { files: true });
    const single = await inspectStream(createReadStream(archive), archive, { files: true });
    assert.equal(parallel.read.mode, 'parallel');
    assert.ok(parallel.read.concurrency >= 1);
    assert.equal(single.read.mode, 'single-pass');
    assert.equal(parallel.verified, true, parallel.warnings.join('; '));
    assert.deepEqual(
      parallel.images[0]!.layers.map((l) => [l.digest, l.diffId, l.compression]),
      layers.map((l) => [sha256(l.blob), sha256(l.tar), l.blob === l.tar ? 'none' : 'gzip']),
    );
    assert.deepEqual(facts(parallel), facts(single));
  });

  it('wanted files come from the layer that last wrote them, as in the single pass', async () => {
    const parallel = await inspect(archive, { wantFiles: ['/etc/which'] });
    assert.equal(parallel.images[0]!.files![0]!.content?.toString(), 'layer 2\n');
    assert.equal(parallel.images[0]!.files![0]!.layer, 2);
  });

  it('an OCI layout directory reads its layers in parallel, in layer order', async () => {
    const dir = join(work, 'layout');
    ociLayout(dir, layers);
    const r = await inspect(dir, { files: true });
    assert.equal(r.read.mode, 'parallel');
    assert.equal(r.verified, true, r.warnings.join('; '));
    assert.deepEqual(
      r.images[0]!.layers.map((l) => l.diffId),
      layers.map((l) => sha256(l.tar)),
    );
  });

  it('many inspects at once share one scan thread per core, as thirty learners checking at once would', async () => {
    const pool = sharedLayerScanPool();
    const before = pool.threadsStarted;
    const scansBefore = pool.scansOnThreads;
    const results = await Promise.all(Array.from({ length: 6 }, () => inspect(archive)));
    for (const r of results) assert.equal(r.verified, true, r.warnings.join('; '));
    const big = layers.filter((l) => l.blob.length >= PARALLEL_MIN_MEMBER_BYTES).length;
    assert.ok(big > 0);
    assert.equal(pool.scansOnThreads - scansBefore, 6 * big, 'every big layer of every inspect ran on the shared pool');
    assert.ok(
      pool.threadsAlive <= PARALLEL_LAYER_SCANS,
      `${pool.threadsAlive} threads for ${PARALLEL_LAYER_SCANS} cores`,
    );
    assert.ok(
      pool.threadsStarted - before <= PARALLEL_LAYER_SCANS,
      `${pool.threadsStarted - before} threads started for six inspects at once`,
    );
  });

  it('a layout of many layers queues no more than the pool size on the shared pool', async () => {
    const many: Layer[] = [];
    for (let i = 0; i < 3 * PARALLEL_LAYER_SCANS + 2; i++) {
      const t = await tarOf([{ name: `etc/l${i}`, body: randomBytes(64 * 1024) }]);
      many.push({ tar: t, blob: gzipSync(t) });
    }
    const dir = join(work, 'layout-many');
    ociLayout(dir, many);
    const pool = sharedLayerScanPool();
    let most = 0;
    let done = false;
    const reading = inspect(dir).finally(() => (done = true));
    while (!done) {
      most = Math.max(most, pool.queued);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await reading).verified, true);
    assert.ok(most <= pool.size, `${most} reservations queued on a pool of ${pool.size}`);
  });

  it('a layout whose layer blob is missing fails each time, and takes no scan slot with it', async () => {
    const dir = join(work, 'layout-missing-blob');
    ociLayout(dir, layers);
    rmSync(join(dir, 'blobs', 'sha256', sha256(layers[0]!.blob).slice('sha256:'.length)));
    // More inspects than slots: one slot lost per failure would leave the last ones waiting forever.
    for (let i = 0; i <= PARALLEL_LAYER_SCANS + 1; i++) {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        codeOf(inspect(dir)),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 20 s'), 20_000))),
      ]);
      clearTimeout(timer);
      assert.equal(code, 'MEMBER_MISSING', `inspect ${i + 1}`);
    }
    assert.equal((await inspect(archive)).verified, true, 'and a later inspect still gets its slots');
  });

  it('an archive compressed as a whole is read in one pass, and says why', async () => {
    const gz = join(work, 'image.tar.gz');
    writeFileSync(gz, gzipSync(readFileSync(archive), { level: 1 }));
    const r = await inspect(gz);
    assert.equal(r.read.mode, 'single-pass');
    assert.match(r.read.reason, /gzip-compressed as a whole/);
    assert.equal(r.verified, true);
  });

  it('a file cut inside a big layer is TAR_TRUNCATED, as a file and as a stream', async () => {
    const cut = join(work, 'cut.tar');
    writeFileSync(cut, readFileSync(archive));
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    assert.equal(await codeOf(inspect(cut)), 'TAR_TRUNCATED');
    assert.equal(await codeOf(inspectStream(createReadStream(cut), cut)), 'TAR_TRUNCATED');
  });

  it('corrupt gzip inside a big layer is the same error either way', async () => {
    const bad = layers.map((l, i) => {
      if (i !== 0) return l;
      const blob = Buffer.from(l.blob);
      blob.fill(0x55, 4096, 8192); // inside the deflate stream
      return { tar: l.tar, blob };
    });
    const file = join(work, 'corrupt.tar');
    writeFileSync(file, await dockerArchive(bad));
    const viaFile = await codeOf(inspect(file));
    assert.notEqual(viaFile, 'no error');
    assert.equal(viaFile, await codeOf(inspectStream(createReadStream(file), file)));
  });
});
