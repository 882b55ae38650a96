// Docker-save archives whose layers are big enough for inspect's parallel path (scan workers): three layers of
// PARALLEL_MIN_MEMBER_BYTES and more (two gzip, one uncompressed) and a small one read inline.
import { createHash, randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { PARALLEL_MIN_MEMBER_BYTES } from '../../server/core/scan-slots.ts';

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function tarOf(files: { name: string; body: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.name, size: f.body.length, mode: 0o644 }, f.body);
  pack.finalize();
  return buffer(pack as unknown as NodeJS.ReadableStream);
}

export interface Layer {
  tar: Buffer; // uncompressed
  blob: Buffer; // as stored
}

/** Layers big enough for second readers (random bytes barely compress), and one small one read inline. */
export async function makeLayers(): Promise<Layer[]> {
  const big = PARALLEL_MIN_MEMBER_BYTES + 64 * 1024;
  const layers: Layer[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await tarOf([
      { name: `data/l${i}.bin`, body: randomBytes(big) },
      { name: 'etc/which', body: Buffer.from(`layer ${i}\n`) },
    ]);
    layers.push({ tar: t, blob: i === 1 ? t : gzipSync(t, { level: 1 }) }); // one uncompressed, to cover both kinds
  }
  const small = await tarOf([{ name: 'etc/small', body: Buffer.from('small\n') }]);
  layers.push({ tar: small, blob: gzipSync(small) });
  return layers;
}

export function configOf(layers: Layer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.tar)) },
    }),
  );
}

/** A kaniko-style docker-archive, manifest.json last as legacy saves write it. */
export async function dockerArchive(layers: Layer[]): Promise<Buffer> {
  const config = configOf(layers);
  const names = layers.map((l) => `${sha256(l.blob).slice(7)}.tar${l.blob === l.tar ? '' : '.gz'}`);
  const manifest = Buffer.from(
    JSON.stringify([{ Config: 'config.json', RepoTags: ['parallel:latest'], Layers: names }]),
  );
  return tarOf([
    ...layers.map((l, i) => ({ name: names[i]!, body: l.blob })),
    { name: 'config.json', body: config },
    { name: 'manifest.json', body: manifest },
  ]);
}
