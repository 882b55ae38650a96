// bench/inspect: `stepwise inspect --verify` against coreutils on the same bytes, and peak RSS at 1 GiB vs 2 GiB
// with the same entry count. Targets (DESIGN.md): ≤ 1.2× sha256sum + GNU tar -t (uncompressed), ≤ 0.6×
// gzip -dc | sha256sum run layer after layer (gzip), peak RSS flat from 1 to 2 GiB and < 150 MB.
// gzip layers of a file are decompressed and hashed in parallel (read.mode "parallel"); the line also gives the
// speed of one gunzip on one core (gzip -dc > /dev/null, same run), the physical limit of a single pass.
// Run: npm run bench:inspect  [-- --gib 1 --entries 20000 --runs 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildDockerSave, type BuiltArchive } from './lib/make-archive.ts';
import { best, mib, timeNode, timeShell, verdict } from './lib/measure.ts';

const GIB = 1024 ** 3;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TARGET_PLAIN_RATIO = 1.2;
const TARGET_GZIP_RATIO = 0.6;
const TARGET_PEAK_RSS_BYTES = 150 * 1000 * 1000;
/** "Flat": the 2 GiB peak may exceed the 1 GiB peak by at most this fraction (allocator noise). */
const FLAT_TOLERANCE = 0.1;

const { values } = parseArgs({
  options: {
    gib: { type: 'string', default: '1' },
    entries: { type: 'string', default: '20000' },
    layers: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
  },
});
const sizeGib = Number(values.gib);
const entries = Number(values.entries);
const layers = Number(values.layers);
const runs = Number(values.runs);

function q(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

async function inspectVerify(archive: string) {
  const r = await timeNode([CLI, 'inspect', '--verify', '--json', archive]);
  if (r.code !== 0) throw new Error(`stepwise inspect --verify exited ${r.code}: ${r.stderr.trim()}`);
  const doc = JSON.parse(r.stdout) as { read: { mode: string; concurrency: number } };
  return { ...r, read: `${doc.read.mode}, ${doc.read.concurrency} at once` };
}

async function build(name: string, totalBytes: number, gzip: boolean, work: string): Promise<BuiltArchive> {
  const started = Date.now();
  const dir = join(work, name);
  const built = await buildDockerSave({ dir, totalBytes, entries, layers, gzip });
  process.stderr.write(
    `built ${name} (${mib(totalBytes)} of content, ${entries} entries, ${layers} layers) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return built;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'stepwise-bench-inspect-'));
  try {
    const plain = await build('plain-1g', sizeGib * GIB, false, work);
    const plainBaseline = await best(runs, () =>
      timeShell(plain.layerFiles.map((f) => `sha256sum ${q(f)} >/dev/null && tar -tf ${q(f)} >/dev/null`).join(' && ')),
    );
    const plainInspect = await best(runs, () => inspectVerify(plain.archive));
    const plainRatio = plainInspect.ms / plainBaseline.ms;

    const gz = await build('gzip-1g', sizeGib * GIB, true, work);
    const gzBaseline = await best(runs, () =>
      timeShell(gz.layerFiles.map((f) => `gzip -dc ${q(f)} | sha256sum >/dev/null`).join(' && ')),
    );
    const gzInspect = await best(runs, () => inspectVerify(gz.archive));
    const gzRatio = gzInspect.ms / gzBaseline.ms;
    // One gunzip on one core, with no hashing: the physical limit of a single pass over these layers.
    const gunzip = await best(runs, () =>
      timeShell(gz.layerFiles.map((f) => `gzip -dc ${q(f)} >/dev/null`).join(' && ')),
    );
    const gunzipMBps = (sizeGib * GIB) / 1e6 / (gunzip.ms / 1000);
    const inspectMBps = (sizeGib * GIB) / 1e6 / (gzInspect.ms / 1000);
    rmSync(join(work, 'gzip-1g'), { recursive: true, force: true });

    const big = await build('plain-2g', 2 * sizeGib * GIB, false, work);
    const bigInspect = await inspectVerify(big.archive);
    const growth = bigInspect.peakRss / plainInspect.peakRss - 1;
    const peak = Math.max(plainInspect.peakRss, bigInspect.peakRss);

    const lines = [
      `stepwise inspect --verify, ${sizeGib} GiB docker-save, ${entries} entries, ${layers} layers (best of ${runs})`,
      `  uncompressed: ${(plainInspect.ms / 1000).toFixed(2)} s vs sha256sum + tar -t ${(plainBaseline.ms / 1000).toFixed(2)} s → ${plainRatio.toFixed(2)}× (target ≤ ${TARGET_PLAIN_RATIO}×: ${verdict(plainRatio <= TARGET_PLAIN_RATIO)})`,
      `  gzip layers:  ${(gzInspect.ms / 1000).toFixed(2)} s vs gzip -dc | sha256sum ${(gzBaseline.ms / 1000).toFixed(2)} s → ${gzRatio.toFixed(2)}× (target ≤ ${TARGET_GZIP_RATIO}×: ${verdict(gzRatio <= TARGET_GZIP_RATIO)}; read ${gzInspect.read})`,
      `                ${inspectMBps.toFixed(0)} MB/s of content vs one gunzip on one core ${gunzipMBps.toFixed(0)} MB/s (gzip -dc > /dev/null, ${(gunzip.ms / 1000).toFixed(2)} s) → ${(inspectMBps / gunzipMBps).toFixed(2)}× of it`,
      `  peak RSS: ${mib(plainInspect.peakRss)} at ${sizeGib} GiB, ${mib(bigInspect.peakRss)} at ${2 * sizeGib} GiB → ${(growth * 100).toFixed(1)}% growth (target flat within ${FLAT_TOLERANCE * 100}%: ${verdict(growth <= FLAT_TOLERANCE)}; < ${TARGET_PEAK_RSS_BYTES / 1e6} MB: ${verdict(peak < TARGET_PEAK_RSS_BYTES)})`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
