// Writes a synthetic docker-save archive of a chosen size and entry count, for benchmarks. Layers are streamed to
// disk (never held in memory); manifest.json goes last, as legacy `docker save` writes it.
import { createHash, randomFillSync, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import tar from 'tar-stream';

export interface ArchiveSpec {
  dir: string; // work folder; the archive is dir/image.tar, layers stay in dir/layers for baselines
  totalBytes: number; // content bytes across all layers
  entries: number; // file entries across all layers (fixed across sizes for the flat-memory comparison)
  layers: number;
  gzip: boolean;
}

export interface BuiltArchive {
  archive: string;
  layerFiles: string[]; // as stored (compressed when gzip)
}

/** Content pattern: random so gzip cannot shrink it to nothing, reused so generation stays fast. */
const PATTERN_BYTES = 8 * 1024 * 1024;
/** gzip level for generated layers: fastest, since only decompression is measured. */
const GZIP_LEVEL = 1;

/** Passes bytes through while hashing them: the diff_id is the sha256 of the uncompressed tar. */
function hashingTransform(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

async function writeLayer(
  file: string,
  gzip: boolean,
  files: number,
  fileSize: number,
  pattern: Buffer,
  layerIndex: number,
): Promise<string> {
  const pack = tar.pack();
  const hash = createHash('sha256');
  const stages: NodeJS.ReadWriteStream[] = [hashingTransform(hash)];
  if (gzip) stages.push(createGzip({ level: GZIP_LEVEL }));
  // tar-stream packs are streamx Readables: pipeline accepts them, its typings do not.
  const piping = pipeline([pack as unknown as NodeJS.ReadableStream, ...stages, createWriteStream(file)]);
  for (let i = 0; i < files; i++) {
    const offset = (i * 4099) % (PATTERN_BYTES - fileSize);
    const dir = `data/l${layerIndex}/d${Math.floor(i / 1000)}`;
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        { name: `${dir}/f${i}.bin`, size: fileSize, mode: 0o644 },
        pattern.subarray(offset, offset + fileSize),
        (e) => (e ? reject(e) : resolve()),
      ),
    );
  }
  pack.finalize();
  await piping;
  const diffId = hash.digest('hex');
  return diffId;
}

export async function buildDockerSave(spec: ArchiveSpec): Promise<BuiltArchive> {
  const pattern = randomFillSync(Buffer.alloc(PATTERN_BYTES));
  const root = join(spec.dir, 'root');
  mkdirSync(root, { recursive: true });
  const filesPerLayer = Math.ceil(spec.entries / spec.layers);
  const fileSize = Math.max(1, Math.floor(spec.totalBytes / spec.entries));
  if (fileSize >= PATTERN_BYTES) throw new Error(`file size ${fileSize} exceeds the pattern; use more entries`);
  const diffIds: string[] = [];
  const layerNames: string[] = [];
  const layerFiles: string[] = [];
  for (let l = 0; l < spec.layers; l++) {
    const id = createHash('sha256').update(`layer-${l}-${spec.gzip}`).digest('hex');
    const name = spec.gzip ? `${id}.tar.gz` : `${id}/layer.tar`;
    mkdirSync(join(root, spec.gzip ? '.' : id), { recursive: true });
    const file = join(root, name);
    diffIds.push(`sha256:${await writeLayer(file, spec.gzip, filesPerLayer, fileSize, pattern, l)}`);
    layerNames.push(name);
    layerFiles.push(file);
  }
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['sh'], Env: ['PATH=/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created_by: `bench layer ${i}` })),
  });
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  writeFileSync(join(root, configName), config);
  writeFileSync(
    join(root, 'manifest.json'),
    JSON.stringify([{ Config: configName, RepoTags: ['bench:latest'], Layers: layerNames }]),
  );
  const archive = join(spec.dir, 'image.tar');
  // Members in legacy order: layers, config, then manifest.json last.
  execFileSync('tar', ['-C', root, '-cf', archive, ...layerNames, configName, 'manifest.json']);
  return { archive, layerFiles };
}
