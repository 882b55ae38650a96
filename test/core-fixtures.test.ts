// Every archive in test/fixtures/images, read by the core library and checked against the facts that
// GROUND_TRUTH.json records (computed independently with Python's tarfile, GNU tar and sha256sum). Expectations
// are loaded at test time, never copied here. The ground truth writes paths without a leading '/', excludes
// directories implied by deeper paths and counts a sparse file as kind "sparse": translated below, not in the
// library.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { inspect, type Image, type InspectResult } from '../server/core/index.ts';
import { runCli } from './harness/cli.ts';
import { IMAGE_FIXTURES } from './harness/fixtures.ts';

const FIXTURES = `${IMAGE_FIXTURES}/`;
const NOT_FIXTURES = new Set(['GROUND_TRUTH.json', 'PROVENANCE.md']);

const Layer = z.looseObject({
  archive_path: z.string(),
  media_type: z.string().nullable(),
  compression_by_magic: z.enum(['none', 'gzip', 'zstd']),
  blob_size: z.number(),
  blob_sha256: z.string(),
  uncompressed_size: z.number(),
  diff_id_computed: z.string(),
  diff_id_in_config: z.string().nullable(),
  diff_id_matches: z.boolean(),
  blob_digest_matches: z.boolean().optional(),
  blob_size_matches: z.boolean().optional(),
  stats: z.looseObject({ entries: z.number() }),
});
const Config = z.looseObject({
  architecture: z.string().nullable(),
  os: z.string().nullable(),
  Cmd: z.array(z.string()).nullable(),
  Entrypoint: z.array(z.string()).nullable(),
  Env: z.array(z.string()).nullable(),
  WorkingDir: z.string().nullable(),
  User: z.string().nullable(),
  ExposedPorts: z.array(z.string()).nullable(),
  Labels: z.record(z.string(), z.string()).nullable(),
  history_len: z.number(),
  history_empty_layer: z.number(),
  diff_ids_count: z.number(),
});
const Merged = z.looseObject({
  paths_total: z.number(),
  by_kind: z.record(z.string(), z.number()),
  nondir_count: z.number(),
  nondir_paths_sha256: z.string(),
  nondir_paths: z.array(z.string()).optional(),
  nondir_paths_first60: z.array(z.string()).optional(),
});
const GtImage = z.looseObject({
  attestation: z.boolean().optional(),
  RepoTags: z.array(z.string()).nullish(),
  config_sha256: z.string().optional(),
  manifest_digest: z.string().optional(),
  manifest_digest_and_size_ok: z.boolean().optional(),
  config_digest_ok: z.boolean().optional(),
  via_indexes: z.array(z.looseObject({ ref_name: z.string().nullish() })).optional(),
  descriptor_annotations: z.record(z.string(), z.string()).nullish(),
  layer_count: z.number(),
  config: Config.optional(),
  layers: z.array(Layer).optional(),
  merged: Merged.optional(),
});
const Fixture = z.looseObject({
  file: z.string(),
  is_directory: z.boolean(),
  outer_top_level: z.array(z.string()),
  images_from_manifest_json: z.array(GtImage).optional(),
  images_from_index_json: z.array(GtImage).optional(),
  dive_style_efficiency_reimplemented: z.looseObject({ wastedBytes: z.number() }).optional(),
});
const GroundTruth = z.looseObject({ fixtures: z.array(Fixture) });
type Fixture = z.infer<typeof Fixture>;
type GtImage = z.infer<typeof GtImage>;

const groundTruth = GroundTruth.parse(JSON.parse(readFileSync(`${FIXTURES}GROUND_TRUTH.json`, 'utf8')));

/** Python sorts str by code point, which is UTF-8 byte order. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function expectedFormat(f: Fixture): InspectResult['format'] {
  if (f.is_directory) return 'oci-layout';
  if (f.outer_top_level.includes('manifest.json')) return 'docker-archive';
  if (f.outer_top_level.includes('index.json')) return 'oci-archive';
  return 'tar';
}

/** The images a reader should report: manifest.json's when it exists, else the OCI index's minus attestations. */
function expectedImages(f: Fixture): GtImage[] {
  const images = expectedFormat(f) === 'docker-archive' ? f.images_from_manifest_json : f.images_from_index_json;
  assert.ok(images, `${f.file}: ground truth lists no images`);
  return images.filter((i) => !i.attestation);
}

/** RepoTags; else the ref name of the outermost index descriptor that led to the image. */
function expectedTags(f: Fixture, g: GtImage): string[] {
  if (expectedFormat(f) === 'docker-archive') return g.RepoTags ?? [];
  const outer = g.via_indexes?.[0]?.ref_name ?? g.descriptor_annotations?.['org.opencontainers.image.ref.name'];
  return outer ? [outer] : [];
}

function layerVerified(l: z.infer<typeof Layer>): boolean {
  return l.diff_id_matches && l.blob_digest_matches !== false && l.blob_size_matches !== false;
}

function imageVerified(g: GtImage): boolean {
  const layers = g.layers ?? [];
  return (
    layers.every(layerVerified) &&
    g.config_digest_ok !== false &&
    g.manifest_digest_and_size_ok !== false &&
    (g.config?.diff_ids_count ?? layers.length) === layers.length
  );
}

/** GROUND_TRUTH kind names → the model's, for the merged filesystem's kind counts. */
const KIND = {
  file: 'file',
  hardlink: 'hardlink',
  symlink: 'symlink',
  fifo: 'fifo',
  chardev: 'char',
  blockdev: 'block',
} as const;

function checkMerged(label: string, image: Image, m: z.infer<typeof Merged>): void {
  const paths = image.paths;
  assert.ok(paths, `${label}: inspect({ files: true }) returns paths`);
  for (const p of paths) {
    assert.ok(p.path.startsWith('/'), `${label}: ${p.path} is absolute`);
    assert.equal(
      p.path.endsWith('/'),
      p.kind === 'dir',
      `${label}: ${p.path} ends in '/' exactly when it is a directory`,
    );
  }
  const listed = new Set(paths.map((p) => p.path));
  for (const p of paths) {
    const parent = p.path.slice(0, p.path.slice(0, -1).lastIndexOf('/') + 1);
    assert.ok(
      parent === '/' || listed.has(parent),
      `${label}: the parent ${parent} of ${p.path} is listed (implied directories included)`,
    );
  }
  const nondir = paths.filter((p) => p.kind !== 'dir');
  assert.equal(image.fileCount, m.nondir_count, `${label}: fileCount`);
  assert.equal(nondir.length, m.nondir_count, `${label}: non-directory paths`);
  const names = nondir.map((p) => p.path.slice(1)).sort(byCodePoint);
  const sample = m.nondir_paths ?? m.nondir_paths_first60 ?? [];
  assert.deepEqual(names.slice(0, sample.length), sample, `${label}: first non-directory paths`);
  assert.equal(
    createHash('sha256').update(names.join('\n')).digest('hex'),
    m.nondir_paths_sha256,
    `${label}: sha256 of the sorted non-directory path set`,
  );
  const written = paths.filter((p) => p.layer >= 0);
  assert.equal(written.length, m.paths_total, `${label}: paths written by some layer (implied directories excluded)`);
  assert.equal(
    written.filter((p) => p.kind === 'dir').length,
    m.by_kind.dir ?? 0,
    `${label}: directories written by some layer`,
  );
  const sparse = nondir.filter((p) => p.sparse).length;
  assert.equal(sparse, m.by_kind.sparse ?? 0, `${label}: sparse files`);
  for (const [gtKind, kind] of Object.entries(KIND)) {
    const expected = (m.by_kind[gtKind] ?? 0) + (kind === 'file' ? (m.by_kind.sparse ?? 0) : 0);
    assert.equal(nondir.filter((p) => p.kind === kind).length, expected, `${label}: ${gtKind} paths`);
  }
}

function checkImage(f: Fixture, image: Image, g: GtImage, index: number): void {
  const label = `${f.file} image ${index}`;
  assert.deepEqual(image.tags, expectedTags(f, g), `${label}: tags`);
  if (g.config_sha256) assert.equal(image.configDigest, g.config_sha256, `${label}: config digest`);
  if (g.manifest_digest) assert.equal(image.manifestDigest, g.manifest_digest, `${label}: manifest digest`);
  assert.equal(image.layers.length, g.layer_count, `${label}: layer count`);
  const c = g.config;
  assert.ok(c, `${label}: ground truth has the config`);
  const seen = image.config;
  for (const field of [
    'Cmd',
    'Entrypoint',
    'Env',
    'WorkingDir',
    'User',
    'ExposedPorts',
    'Labels',
    'architecture',
    'os',
  ] as const) {
    assert.deepEqual(seen[field], c[field], `${label}: config ${field}`);
  }
  assert.equal(seen.history.length, c.history_len, `${label}: history entries`);
  assert.equal(
    seen.history.filter((h) => h.emptyLayer).length,
    c.history_empty_layer,
    `${label}: empty_layer history entries`,
  );
  const layers = g.layers ?? [];
  layers.forEach((gl, i) => {
    const l = image.layers[i]!;
    const ll = `${label} layer ${i} (${gl.archive_path})`;
    assert.equal(l.entries, gl.stats.entries, `${ll}: entries`);
    assert.equal(l.digest, gl.blob_sha256, `${ll}: blob digest`);
    assert.equal(l.size, gl.blob_size, `${ll}: stored size`);
    assert.equal(l.compression, gl.compression_by_magic, `${ll}: compression`);
    assert.equal(
      l.uncompressedSize,
      gl.uncompressed_size,
      `${ll}: uncompressed size (bytes after the tar end marker included)`,
    );
    assert.equal(l.diffId, gl.diff_id_computed, `${ll}: diff_id = sha256 of the whole decompressed stream`);
    assert.equal(l.declaredDiffId, gl.diff_id_in_config, `${ll}: diff_id in the config`);
    assert.equal(l.verified, layerVerified(gl), `${ll}: verified`);
    if (gl.media_type) assert.equal(l.mediaType, gl.media_type, `${ll}: media type`);
  });
  if (g.merged) checkMerged(label, image, g.merged);
}

describe('core library against the ground truth of every fixture', () => {
  it('the ground truth covers every fixture in the folder, and only those', () => {
    const onDisk = readdirSync(FIXTURES)
      .filter((n) => !NOT_FIXTURES.has(n))
      .sort();
    assert.deepEqual(groundTruth.fixtures.map((f) => f.file).sort(), onDisk);
    assert.ok(onDisk.length >= 15, `expected the 15 fixtures, found ${onDisk.length}`);
  });

  for (const f of groundTruth.fixtures) {
    describe(f.file, () => {
      let result: InspectResult;
      before(async () => {
        result = await inspect(`${FIXTURES}${f.file}`, { files: true });
      });

      it('is read as the right format, with the right images', () => {
        assert.equal(result.format, expectedFormat(f));
        assert.equal(result.images.length, expectedImages(f).length, 'image count (attestation manifests skipped)');
      });

      it('verifies exactly when every digest and diff_id matches', () => {
        const expected = expectedImages(f).every(imageVerified);
        assert.equal(result.verified, expected, `verified (warnings: ${result.warnings.join('; ')})`);
        if (f.file.includes('NEGATIVE')) {
          assert.equal(result.verified, false, 'the NEGATIVE fixture is flagged');
          assert.ok(
            result.warnings.some((w) => w.includes('diff_id')),
            'and the warning names the diff_id',
          );
        }
      });

      it('reports tags, config, layers and the merged filesystem as the ground truth says', () => {
        expectedImages(f).forEach((g, i) => checkImage(f, result.images[i]!, g, i));
      });

      if (f.dive_style_efficiency_reimplemented) {
        const expectedWaste = f.dive_style_efficiency_reimplemented.wastedBytes;
        it(`reports dive's wasted bytes (${expectedWaste})`, () => {
          assert.equal(result.images[0]!.wastedBytes, expectedWaste);
        });
      }
    });
  }
});

describe('stepwise inspect on fixtures', () => {
  const negative = groundTruth.fixtures.find((f) => f.file.includes('NEGATIVE'));
  const clean = groundTruth.fixtures.find(
    (f) => !f.is_directory && expectedImages(f).every(imageVerified) && expectedFormat(f) === 'docker-archive',
  );

  it('--verify exits 1 with one DIGEST_MISMATCH line for the NEGATIVE fixture, 0 for a clean one', async () => {
    assert.ok(negative && clean, 'the ground truth has a NEGATIVE and a clean docker-archive fixture');
    const bad = await runCli(['inspect', '--verify', `${FIXTURES}${negative.file}`]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /^stepwise inspect: DIGEST_MISMATCH: .*diff_id.*\n$/);
    assert.match(bad.stdout, /Verified: +NO/);
    const good = await runCli(['inspect', '--verify', `${FIXTURES}${clean.file}`]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stderr, '');
    const plain = await runCli(['inspect', `${FIXTURES}${negative.file}`]);
    assert.equal(plain.code, 0, 'without --verify a mismatch is reported, not an exit code');
  });

  it('--json --files prints the documented schema with every path', async () => {
    const dir = groundTruth.fixtures.find((f) => f.is_directory);
    assert.ok(dir, 'the ground truth has an OCI layout directory');
    const run = await runCli(['inspect', '--json', '--files', `${FIXTURES}${dir.file}`]);
    assert.equal(run.code, 0, run.stderr);
    const doc = z
      .object({
        schemaVersion: z.literal(1),
        format: z.literal('oci-layout'),
        verified: z.boolean(),
        images: z.array(
          z.looseObject({
            tags: z.array(z.string()),
            configDigest: z.string(),
            config: z.looseObject({
              Cmd: z.unknown(),
              Entrypoint: z.unknown(),
              Env: z.unknown(),
              WorkingDir: z.unknown(),
              User: z.unknown(),
              ExposedPorts: z.unknown(),
              Labels: z.unknown(),
            }),
            layers: z.array(
              z.looseObject({
                diffId: z.string(),
                digest: z.string(),
                mediaType: z.string().nullable(),
                compression: z.string(),
                size: z.number(),
                uncompressedSize: z.number(),
                entries: z.number(),
                verified: z.boolean(),
              }),
            ),
            fileCount: z.number(),
            paths: z.array(z.string()),
          }),
        ),
      })
      .loose()
      .parse(JSON.parse(run.stdout));
    const expected = expectedImages(dir);
    assert.equal(doc.images.length, expected.length);
    doc.images.forEach((image, i) => {
      assert.deepEqual(
        image.paths
          .filter((p) => !p.endsWith('/'))
          .map((p) => p.slice(1))
          .sort(byCodePoint),
        expected[i]!.merged?.nondir_paths,
      );
    });
  });

  it('a missing source is a usage error (2) and a non-archive a corrupt one (1), each one line with its code', async () => {
    const missing = await runCli(['inspect', `${FIXTURES}no-such-file.tar`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^stepwise inspect: SOURCE_NOT_FOUND: [^\n]*\n$/);
    const notTar = await runCli(['inspect', `${FIXTURES}PROVENANCE.md`]);
    assert.equal(notTar.code, 1);
    assert.match(notTar.stderr, /^stepwise inspect: NOT_AN_ARCHIVE: [^\n]*PROVENANCE\.md[^\n]*\n$/);
    const usage = await runCli(['inspect']);
    assert.equal(usage.code, 2, 'a missing argument is a usage error');
  });
});
