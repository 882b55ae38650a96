// Reading files out of images with inspect's wantFiles, checked against an independent reading of the same
// bytes (Python's tarfile, GNU tar; test/harness/layer-truth.ts): real fixtures of every source kind, whiteouts,
// opaque directories, rewrites, links resolved inside the image, hostile links, the byte limits, bounded memory,
// and an image built by the real engine read as a docker-save archive, as docker://, as an OCI layout folder and
// as an OCI archive.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import tar from 'tar-stream';
import {
  dockerClient,
  dockerEngineSource,
  inspect,
  inspectStream,
  type ImageFile,
  type InspectOptions,
} from '../server/core/index.ts';
import { IMAGE_FIXTURES } from './harness/fixtures.ts';
import { dockerCli, writeBusyboxRootfs } from './harness/docker-cli.ts';
import { requireDockerHost } from './harness/env.ts';
import { expectedFile, layerTruth, type LayerRow } from './harness/layer-truth.ts';

const FIXTURES = IMAGE_FIXTURES;
const work = mkdtempSync(join(tmpdir(), 'stepwise-read-file-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

async function readOne(source: string, path: string, opts: InspectOptions = {}): Promise<ImageFile> {
  const result = await inspect(source, { ...opts, wantFiles: [path] });
  const file = result.images[0]?.files?.[0];
  assert.ok(file, `${source}: an answer for ${path}`);
  return file;
}

/** The library's answer equals the independent one: presence, the writing layer, and the bytes. */
function assertMatchesTruth(file: ImageFile, rows: readonly LayerRow[], what: string): void {
  const truth = expectedFile(rows);
  assert.equal(file.found, truth.found, `${what}: found`);
  assert.equal(file.layer, truth.layer, `${what}: the layer that last wrote it`);
  if (truth.content !== null && truth.row?.type === 'file') {
    assert.ok(file.content, `${what}: content (${file.noContent ?? ''})`);
    const kept = truth.content.subarray(0, file.content.length);
    assert.equal(file.truncated, file.content.length < truth.content.length, `${what}: truncated only when cut`);
    assert.ok(file.content.equals(kept), `${what}: the bytes Python read from the same layer`);
  }
  if (!truth.found) assert.equal(file.content, undefined, `${what}: no content when removed`);
}

type Shape = 'present' | 'removed' | 'rewritten';

/** Keeps each case honest: the fixture really has the shape the case is named for. */
function assertShape(rows: readonly LayerRow[], shape: Shape, what: string): void {
  const writes = rows.map((r, i) => (r.writes ? i : -1)).filter((i) => i >= 0);
  if (shape === 'removed') {
    const lastRemove = rows.map((r, i) => (r.removes ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    assert.ok(
      writes.length > 0 && lastRemove > writes[0]!,
      `${what}: a lower layer writes it and a later one removes it`,
    );
  }
  if (shape === 'rewritten') assert.ok(writes.length >= 2, `${what}: two layers write it`);
  if (shape === 'present') assert.ok(writes.length >= 1, `${what}: some layer writes it`);
}

describe('files read out of the real fixtures match Python tarfile on the same layers', () => {
  const cases: [fixture: string, path: string, shape: Shape][] = [
    ['01-docker-legacy-dive-14layers.tar', '/root/saved.txt', 'rewritten'],
    ['01-docker-legacy-dive-14layers.tar', '/root/example/somefile1.txt', 'removed'], // its directory is whited out
    ['01-docker-legacy-dive-14layers.tar', '/root/example/somefile3.txt', 'removed'], // the file itself is whited out
    ['02-docker-archive-kaniko-targz-layers.tar', '/root/saved.txt', 'rewritten'],
    ['02-docker-archive-kaniko-targz-layers.tar', '/etc/passwd', 'present'],
    ['03-docker25-save-busybox-armv7.tar', '/etc/passwd', 'present'],
    ['05-oci-archive-buildx-zstd.tar', '/README.md', 'present'],
    ['06-oci-archive-buildx-estargz.tar', '/README.md', 'present'],
    ['07-oci-archive-skopeo-whiteouts.tar', '/node', 'removed'],
    ['08-docker-archive-skopeo-opaque.tar', '/node', 'rewritten'],
    ['08-docker-archive-skopeo-opaque.tar', '/node-v-8-12-9/node', 'present'],
    ['09-containerd-export-alpine-manifestlist.tar', '/etc/alpine-release', 'present'],
    ['10-containerd-export-busybox-attestation.tar', '/etc/passwd', 'present'],
    ['11-docker-legacy-two-images-symlinked-layer.tar', '/foo', 'present'],
    ['12-docker-legacy-whiteout-empty-layer.tar', '/bar.txt', 'present'],
    ['12-docker-legacy-whiteout-empty-layer.tar', '/foo.txt', 'removed'],
    ['14-oci-layout-dir-ggcr-test_index', '/foo', 'present'],
    ['15-SYNTHETIC-docker-legacy-tar-edge-cases.tar', '/opt/dir-to-opaque/b', 'removed'], // an opaque directory hides it
    ['15-SYNTHETIC-docker-legacy-tar-edge-cases.tar', '/opt/dir-to-opaque/c', 'present'],
    ['15-SYNTHETIC-docker-legacy-tar-edge-cases.tar', '/etc/removed.txt', 'removed'],
    ['15-SYNTHETIC-docker-legacy-tar-edge-cases.tar', '/etc/ünïcödé-名前.txt', 'present'], // a PAX name
  ];
  for (const [fixture, path, shape] of cases) {
    it(`${fixture}: ${path} (${shape})`, async () => {
      const source = join(FIXTURES, fixture);
      const rows = layerTruth(source, path);
      assertShape(rows, shape, `${fixture} ${path}`);
      const file = await readOne(source, path);
      assertMatchesTruth(file, rows, `${fixture} ${path}`);
      if (shape !== 'removed') assert.equal(file.kind, 'file');
    });
  }
});

describe('links are followed inside the image', () => {
  const edge = join(FIXTURES, '15-SYNTHETIC-docker-legacy-tar-edge-cases.tar');

  it('a hardlink reads as the file it links to, in its own layer', async () => {
    const link = expectedFile(layerTruth(edge, '/bin/tool'));
    assert.equal(link.row?.type, 'hardlink');
    const file = await readOne(edge, '/bin/tool');
    assert.deepEqual([file.found, file.kind, file.linkTarget], [true, 'hardlink', link.row?.linkname]);
    assert.equal(file.contentPath, '/bin/tool-hardlink');
    assert.ok(file.content?.equals(link.content!), "tarfile reads a hardlink as its target's bytes too");
  });

  it("an absolute symlink, and a relative one to a hardlink, lead to the file's bytes (a second read)", async () => {
    const link = expectedFile(layerTruth(edge, '/etc/app-link'));
    assert.deepEqual([link.row?.type, link.row?.linkname], ['symlink', '/etc/app.conf']);
    const target = expectedFile(layerTruth(edge, '/etc/app.conf'));
    const viaLink = await readOne(edge, '/etc/app-link');
    assert.deepEqual(
      [viaLink.found, viaLink.kind, viaLink.linkTarget, viaLink.contentPath],
      [true, 'symlink', '/etc/app.conf', '/etc/app.conf'],
    );
    assert.ok(viaLink.content?.equals(target.content!));
    const chain = await readOne(edge, '/bin/tool-symlink'); // tool-symlink -> tool, a hardlink to tool-hardlink
    assert.equal(chain.contentPath, '/bin/tool-hardlink');
    assert.ok(chain.content?.equals(expectedFile(layerTruth(edge, '/bin/tool-hardlink')).content!));
  });

  it('a one-shot stream cannot be read twice and says so; an opener can', async () => {
    const once = await inspectStream(createReadStream(edge), 'edge.tar', {
      wantFiles: ['/etc/app-link', '/etc/app.conf'],
    });
    const [link, conf] = once.images[0]!.files!;
    assert.equal(
      conf!.content?.toString(),
      expectedFile(layerTruth(edge, '/etc/app.conf')).content!.toString(),
      'a target asked for too is read in the one pass',
    );
    assert.ok(link!.content?.equals(conf!.content!), 'so the link needs no second read either');
    const single = await inspectStream(createReadStream(edge), 'edge.tar', { wantFiles: ['/etc/app-link'] });
    assert.equal(single.images[0]!.files![0]!.content, undefined);
    assert.match(single.images[0]!.files![0]!.noContent ?? '', /second read/);
    let opened = 0;
    const reopened = await inspectStream(
      async () => {
        opened++;
        return createReadStream(edge);
      },
      'edge.tar',
      { wantFiles: ['/etc/app-link'] },
    );
    assert.equal(opened, 2);
    assert.equal(reopened.images[0]!.files![0]!.content?.toString(), conf!.content!.toString());
  });

  it('kinds without content say why: a directory, a named pipe, a sparse file, a dangling symlink', async () => {
    const result = await inspect(edge, { wantFiles: ['/etc', '/dev/fifo', '/data/sparse.img', '/nothing/here'] });
    const [dir, fifo, sparse, none] = result.images[0]!.files!;
    assert.deepEqual([dir!.kind, dir!.noContent], ['dir', 'it is a directory']);
    assert.deepEqual([fifo!.kind, fifo!.noContent], ['fifo', 'it is a named pipe']);
    assert.equal(expectedFile(layerTruth(edge, '/data/sparse.img')).row?.type, 'file');
    assert.deepEqual([sparse!.kind, sparse!.content], ['file', undefined]);
    assert.match(sparse!.noContent ?? '', /sparse/);
    assert.deepEqual([none!.found, none!.kind, none!.layer], [false, null, -1]);
    const skopeo = await readOne(join(FIXTURES, '08-docker-archive-skopeo-opaque.tar'), '/var/log/nginx/access.log');
    assert.deepEqual([skopeo.kind, skopeo.linkTarget], ['symlink', '/dev/stdout']);
    assert.equal(skopeo.noContent, 'it is a symlink to /dev/stdout, which is not in the image');
  });
});

// ---- images made here: layer folders tarred by GNU tar, packed into a legacy docker-archive by tar-stream ----

/** A minimal ustar header for a regular file, for archives streamed without being built in memory. */
function header(name: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0);
  b.write('0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  b.write('00000000000\0', 136);
  b.write('0', 156);
  b.write('ustar\u000000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Writes `layers` (each a function filling a folder) as a docker-archive; returns its path. */
async function dockerArchiveOf(name: string, layers: ((dir: string) => void)[]): Promise<string> {
  const blobs = layers.map((fill, i) => {
    const dir = join(work, `${name}-layer${i}`);
    mkdirSync(dir, { recursive: true });
    fill(dir);
    return execFileSync('tar', ['-C', dir, '--format=gnu', '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: blobs.map(sha256) },
    }),
  );
  const manifest = JSON.stringify([
    { Config: 'config.json', RepoTags: [`${name}:test`], Layers: blobs.map((_, i) => `l${i}/layer.tar`) },
  ]);
  const pack = tar.pack();
  const bytes = buffer(pack);
  pack.entry({ name: 'config.json' }, config);
  blobs.forEach((b, i) => pack.entry({ name: `l${i}/layer.tar` }, b));
  pack.entry({ name: 'manifest.json' }, manifest);
  pack.finalize();
  const out = join(work, `${name}.tar`);
  writeFileSync(out, await bytes);
  return out;
}

describe('hostile links and the byte limits', () => {
  it('symlinks never leave the image: "../../.." and absolute targets resolve from its own root', async () => {
    const archive = await dockerArchiveOf('links', [
      (d) => {
        mkdirSync(join(d, 'etc'));
        writeFileSync(join(d, 'etc', 'hostname'), 'inside-the-image\n');
        symlinkSync('../../../../../../../etc/hostname', join(d, 'escape'));
        symlinkSync('/etc/hostname', join(d, 'absolute'));
        symlinkSync('/etc', join(d, 'dirlink'));
        symlinkSync('loop-b', join(d, 'loop-a'));
        symlinkSync('loop-a', join(d, 'loop-b'));
      },
    ]);
    assert.equal(layerTruth(archive, '/escape')[0]!.linkname, '../../../../../../../etc/hostname');
    const result = await inspect(archive, {
      wantFiles: ['/escape', '/absolute', '/dirlink/hostname', '/loop-a', 'absolute/../escape/'],
    });
    assert.equal(
      result.images[0]!.files!.length,
      4,
      'asked paths are made canonical: "absolute/../escape/" is /escape',
    );
    const [escape, absolute, through, loop] = result.images[0]!.files!;
    for (const f of [escape!, absolute!]) {
      assert.equal(f.kind, 'symlink');
      assert.equal(f.contentPath, '/etc/hostname');
      assert.equal(f.content?.toString(), 'inside-the-image\n', `${f.path}: the image's file, never the host's`);
    }
    assert.deepEqual(
      [through!.found, through!.kind, through!.content?.toString()],
      [true, 'file', 'inside-the-image\n'],
    );
    assert.deepEqual([loop!.found, loop!.kind, loop!.content], [true, 'symlink', undefined]);
    assert.match(loop!.noContent ?? '', /more than 16 symlinks/);
  });

  it('a file longer than the per-file cap is cut there and says so', async () => {
    const source = join(FIXTURES, '02-docker-archive-kaniko-targz-layers.tar');
    const truth = expectedFile(layerTruth(source, '/etc/passwd'));
    const file = await readOne(source, '/etc/passwd', { limits: { maxFileContentBytes: 10 } });
    assert.equal(file.truncated, true);
    assert.ok(file.content?.equals(truth.content!.subarray(0, 10)));
    assert.equal(file.size, truth.content!.length);
  });

  it("copies of a rewritten file past the read's byte budget are dropped, and that is said", async () => {
    const write = (text: string) => (d: string) => writeFileSync(join(d, 'f.txt'), text.repeat(100));
    const archive = await dockerArchiveOf('budget', [write('a'), write('b'), write('c')]);
    const tight = await readOne(archive, '/f.txt', { limits: { maxCapturedBytes: 250 } });
    assert.deepEqual([tight.found, tight.layer, tight.content], [true, 2, undefined]);
    assert.equal(tight.noContent, 'its content was not kept: wanted files exceed 250 bytes across the layers');
    const enough = await readOne(archive, '/f.txt', { limits: { maxCapturedBytes: 300 } });
    assert.equal(enough.content?.toString(), 'c'.repeat(100));
  });

  it('holds no layer in memory: a wanted 256 MiB file keeps its first MiB, and RSS grows by less than 64 MB', async () => {
    const bytes = 256 * 1024 * 1024;
    const pattern = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 7 + 3) % 251;
    async function* huge(): AsyncIterable<Uint8Array> {
      const manifest = Buffer.from(JSON.stringify([{ Config: 'c.json', Layers: ['l/layer.tar'] }]));
      yield Buffer.concat([
        header('manifest.json', manifest.length),
        manifest,
        Buffer.alloc(512 - (manifest.length % 512)),
      ]);
      yield Buffer.concat([header('c.json', 2), Buffer.from('{}'), Buffer.alloc(510)]);
      yield header('l/layer.tar', 512 + bytes + 1024);
      yield header('big.bin', bytes);
      for (let sent = 0; sent < bytes; sent += pattern.length) yield pattern;
      yield Buffer.alloc(2048);
    }
    const before = process.memoryUsage.rss();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    const result = await inspectStream(huge(), 'huge', { wantFiles: ['/big.bin'] });
    clearInterval(timer);
    const growth = Math.max(peak, process.memoryUsage.rss()) - before;
    const file = result.images[0]!.files![0]!;
    assert.deepEqual([file.found, file.size, file.truncated], [true, bytes, true]);
    assert.ok(file.content?.equals(pattern), 'the first MiB, byte for byte');
    assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  });
});

// ---- one image built by the real engine, read from every kind of source ----

/** Converts a docker-save archive into an OCI layout folder: layer 1 gzip-compressed, the others stored plain. */
const TO_OCI_LAYOUT = String.raw`
import gzip, hashlib, json, os, posixpath, sys, tarfile
save, out = sys.argv[1], sys.argv[2]
t = tarfile.open(save)
def read(name):
    m = t.getmember(name)
    while m.issym():
        m = t.getmember(posixpath.normpath(posixpath.join(posixpath.dirname(m.name), m.linkname)))
    return t.extractfile(m).read()
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(out, 'blobs', 'sha256'), exist_ok=True)
    with open(os.path.join(out, 'blobs', 'sha256', digest), 'wb') as f:
        f.write(data)
    return {'digest': 'sha256:' + digest, 'size': len(data)}
entry = json.loads(read('manifest.json'))[0]
config = dict(put(read(entry['Config'])), mediaType='application/vnd.oci.image.config.v1+json')
layers = []
for i, ref in enumerate(entry['Layers']):
    data = read(ref)
    if i == 1:
        layers.append(dict(put(gzip.compress(data, mtime=0)), mediaType='application/vnd.oci.image.layer.v1.tar+gzip'))
    else:
        layers.append(dict(put(data), mediaType='application/vnd.oci.image.layer.v1.tar'))
manifest = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json', 'config': config, 'layers': layers}).encode()
index = {'schemaVersion': 2, 'manifests': [dict(put(manifest), mediaType='application/vnd.oci.image.manifest.v1+json', annotations={'org.opencontainers.image.ref.name': 'converted'})]}
with open(os.path.join(out, 'index.json'), 'w') as f:
    json.dump(index, f)
with open(os.path.join(out, 'oci-layout'), 'w') as f:
    f.write('{"imageLayoutVersion": "1.0.0"}')
`;

describe('an image built by the real engine, read as docker-archive, docker://, OCI layout folder and OCI archive', () => {
  const ref = `stepwise-read-file-${process.pid}-${Date.now().toString(36)}:v1`;
  const base = `stepwise-read-file-base-${process.pid}:v1`;
  let host = '';
  const sources: Record<'docker-archive' | 'oci-layout' | 'oci-archive', string> = {
    'docker-archive': '',
    'oci-layout': '',
    'oci-archive': '',
  };
  const PATHS = ['/etc/motd', '/gone.txt', '/cache/x', '/cache/y'];

  before(() => {
    host = requireDockerHost();
    const rootfs = join(work, 'engine-rootfs');
    writeBusyboxRootfs(rootfs);
    dockerCli(
      host,
      ['import', '-', base],
      execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 }),
    );
    const dockerfile = [
      `FROM ${base}`,
      'RUN mkdir -p /etc /cache && echo first > /etc/motd && ln -s /etc/motd /motd-link && echo gone > /gone.txt && echo old > /cache/x',
      'RUN echo second > /etc/motd && rm /gone.txt && rm -r /cache && mkdir /cache && echo fresh > /cache/y',
    ].join('\n');
    const context = join(work, 'engine-context');
    mkdirSync(context);
    dockerCli(host, ['build', '--rm', '--force-rm', '-t', ref, '-f', '-', context], dockerfile);
    sources['docker-archive'] = join(work, 'engine-save.tar');
    dockerCli(host, ['save', '-o', sources['docker-archive'], ref]);
    sources['oci-layout'] = join(work, 'engine-oci');
    execFileSync('python3', ['-c', TO_OCI_LAYOUT, sources['docker-archive'], sources['oci-layout']]);
    sources['oci-archive'] = join(work, 'engine-oci.tar');
    execFileSync('tar', ['-C', sources['oci-layout'], '-cf', sources['oci-archive'], '.']);
  });

  after(() => {
    if (host) dockerCli(host, ['rmi', '-f', ref, base]);
  });

  it('the truth: /etc/motd is rewritten, /gone.txt whited out, /cache/x removed with its recreated directory', () => {
    const motd = layerTruth(sources['docker-archive'], '/etc/motd');
    assertShape(motd, 'rewritten', '/etc/motd');
    assert.equal(expectedFile(motd).content?.toString(), 'second\n');
    assertShape(layerTruth(sources['docker-archive'], '/gone.txt'), 'removed', '/gone.txt');
    assertShape(layerTruth(sources['docker-archive'], '/cache/x'), 'removed', '/cache/x');
    assert.equal(readFileSync(join(sources['oci-layout'], 'index.json'), 'utf8').includes('converted'), true);
  });

  for (const kind of ['docker-archive', 'oci-layout', 'oci-archive', 'docker-engine'] as const) {
    it(`${kind}: every path as Python reads the same layers, and the symlink leads to the rewritten file`, async () => {
      const source = kind === 'docker-engine' ? `docker://${ref}` : sources[kind];
      const truthSource = kind === 'docker-engine' ? sources['docker-archive'] : sources[kind]; // the export is what save writes
      const result = await inspect(source, {
        wantFiles: [...PATHS, '/motd-link'],
        engine: dockerEngineSource(dockerClient(host)),
      });
      assert.equal(result.format, kind);
      assert.equal(result.verified, true, result.warnings.join('; '));
      const files = result.images[0]!.files!;
      PATHS.forEach((path, i) => assertMatchesTruth(files[i]!, layerTruth(truthSource, path), `${kind} ${path}`));
      const link = files[PATHS.length]!;
      assert.deepEqual(
        [link.kind, link.linkTarget, link.contentPath, link.content?.toString()],
        ['symlink', '/etc/motd', '/etc/motd', 'second\n'],
      );
    });
  }
});
