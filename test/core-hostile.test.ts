// Hostile archives, built here byte by byte, against the core library: each gets a typed CoreError with its
// stable code and a message naming the member or entry, and memory stays bounded by entry count, not bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  inspect,
  inspectStream,
  isCoreError,
  listTar,
  type CoreErrorCode,
  type InspectOptions,
} from '../server/core/index.ts';

// ---- tar bytes, written by hand so that every field can be wrong on purpose ----

interface HeaderSpec {
  name: string | Buffer;
  size?: number;
  type?: string; // typeflag character
  linkname?: string;
  mode?: number;
  badChecksum?: boolean;
  sizeField?: Buffer; // raw 12-byte size field, to claim anything
}

function octal(value: number, digits: number): string {
  return `${value.toString(8).padStart(digits, '0')}\0`;
}

function header(h: HeaderSpec): Buffer {
  const b = Buffer.alloc(512);
  const name = typeof h.name === 'string' ? Buffer.from(h.name) : h.name;
  name.copy(b, 0, 0, Math.min(100, name.length));
  b.write(octal(h.mode ?? 0o644, 7), 100);
  b.write(octal(0, 7), 108);
  b.write(octal(0, 7), 116);
  if (h.sizeField) h.sizeField.copy(b, 124);
  else b.write(octal(h.size ?? 0, 11), 124);
  b.write(octal(0, 11), 136);
  b.write(h.type ?? '0', 156);
  if (h.linkname) b.write(h.linkname, 157);
  b.write('ustar\u000000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${octal(h.badChecksum ? sum + 1 : sum, 6)} `, 148);
  return b;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** One entry: header plus padded data. */
function entry(spec: HeaderSpec, data: Buffer | string = Buffer.alloc(0)): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([header({ ...spec, size: spec.size ?? bytes.length }), pad(bytes)]);
}

function paxRecords(records: Record<string, string>): Buffer {
  let text = '';
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len++;
    text += `${len}${body}`;
  }
  return Buffer.from(text);
}

function paxEntry(records: Record<string, string>, spec: HeaderSpec, data: Buffer | string = ''): Buffer {
  const pax = paxRecords(records);
  return Buffer.concat([entry({ name: 'PaxHeaders/x', type: 'x', size: pax.length }, pax), entry(spec, data)]);
}

const END = Buffer.alloc(1024);
function tar(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, END]);
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A docker-archive (legacy layout): manifest.json, a config naming each layer's diff_id, <n>/layer.tar. */
function dockerArchive(
  layers: Buffer[],
  opts: { diffIds?: string[]; manifest?: Buffer; extra?: Buffer[] } = {},
): Buffer {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: opts.diffIds ?? layers.map(sha256) },
    }),
  );
  const configName = `${sha256(config).slice('sha256:'.length)}.json`;
  const manifest =
    opts.manifest ??
    Buffer.from(
      JSON.stringify([
        { Config: configName, RepoTags: ['hostile:test'], Layers: layers.map((_, i) => `l${i}/layer.tar`) },
      ]),
    );
  return tar(
    entry({ name: configName }, config),
    ...layers.map((l, i) => entry({ name: `l${i}/layer.tar` }, l)),
    ...(opts.extra ?? []),
    entry({ name: 'manifest.json' }, manifest),
  );
}

// ---- running a source ----

const work = mkdtempSync(join(tmpdir(), 'stepwise-hostile-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let fileCounter = 0;

function writeSource(bytes: Buffer): string {
  const path = join(work, `archive-${fileCounter++}.tar`);
  writeFileSync(path, bytes);
  return path;
}

async function* chunks(bytes: Buffer, size = 7 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Inspects as a file and as a stream in small odd-sized chunks; both must fail with `code`, naming `names`. */
async function assertRejects(
  bytes: Buffer,
  code: CoreErrorCode,
  names: string[],
  opts: InspectOptions = {},
): Promise<void> {
  for (const [how, run] of [
    ['file', () => inspect(writeSource(bytes), opts)],
    ['stream', () => inspectStream(chunks(bytes), 'hostile stream', opts)],
  ] as const) {
    await assert.rejects(run, (e: unknown) => {
      assert.ok(isCoreError(e), `${how}: a CoreError, not ${String(e)}`);
      assert.equal(e.code, code, `${how}: code (message: ${e.message})`);
      for (const n of names) assert.ok(e.message.includes(n), `${how}: the message "${e.message}" names ${n}`);
      assert.ok(!e.message.includes('\n'), `${how}: the message is one line`);
      return true;
    });
  }
}

const oneFile = tar(entry({ name: 'ok.txt' }, 'ok'));

describe('hostile member paths', () => {
  it('rejects ../ in a layer entry and in a plain tar', async () => {
    await assertRejects(dockerArchive([tar(entry({ name: '../evil' }, 'x'))]), 'TAR_PATH_ESCAPE', [
      '../evil',
      'l0/layer.tar',
    ]);
    await assertRejects(tar(entry({ name: 'a/../../evil' }, 'x')), 'TAR_PATH_ESCAPE', ['a/../../evil']);
  });

  it('rejects absolute paths, but accepts the bare root entry "/" that kaniko writes', async () => {
    await assertRejects(dockerArchive([tar(entry({ name: '/etc/passwd' }, 'x'))]), 'TAR_PATH_ESCAPE', ['/etc/passwd']);
    const root = await inspect(
      writeSource(dockerArchive([tar(entry({ name: '/', type: '5', mode: 0o755 }), entry({ name: 'a' }, 'a'))])),
    );
    assert.equal(root.images[0]!.layers[0]!.entries, 1, 'the root entry is not counted');
  });

  it('rejects a symlink followed by a write through it', async () => {
    const layer = tar(
      entry({ name: 'etc-link', type: '2', linkname: '/etc' }),
      entry({ name: 'etc-link/passwd' }, 'root::0:0'),
    );
    await assertRejects(dockerArchive([layer]), 'TAR_PATH_ESCAPE', ['etc-link/passwd', 'etc-link']);
    const relative = tar(entry({ name: 'up', type: '2', linkname: '../../..' }), entry({ name: 'up/tmp/x' }, 'x'));
    await assertRejects(relative, 'TAR_PATH_ESCAPE', ['up/tmp/x']);
  });

  it('rejects a hardlink to outside, directly or through a symlink', async () => {
    await assertRejects(
      dockerArchive([tar(entry({ name: 'shadow', type: '1', linkname: '../../etc/shadow' }))]),
      'TAR_LINK_ESCAPE',
      ['shadow', '../../etc/shadow'],
    );
    await assertRejects(tar(entry({ name: 'shadow', type: '1', linkname: '/etc/shadow' })), 'TAR_LINK_ESCAPE', [
      '/etc/shadow',
    ]);
    const through = tar(
      entry({ name: 'e', type: '2', linkname: '/etc' }),
      entry({ name: 'h', type: '1', linkname: 'e/shadow' }),
    );
    await assertRejects(through, 'TAR_LINK_ESCAPE', ['h', 'e']);
  });

  it('keeps manifest references and symlinked members inside the archive', async () => {
    const layer = tar(entry({ name: 'a' }, 'a'));
    const outside = Buffer.from(JSON.stringify([{ Config: 'c.json', Layers: ['../../etc/passwd'] }]));
    await assertRejects(
      tar(entry({ name: 'c.json' }, '{}'), entry({ name: 'manifest.json' }, outside)),
      'TAR_PATH_ESCAPE',
      ['../../etc/passwd'],
    );
    const linkOut = dockerArchive([layer], {
      manifest: Buffer.from(JSON.stringify([{ Config: 'c.json', Layers: ['x/layer.tar'] }])),
      extra: [
        entry({ name: 'c.json' }, '{}'),
        entry({ name: 'x/layer.tar', type: '2', linkname: '../../../etc/passwd' }),
      ],
    });
    await assertRejects(linkOut, 'TAR_PATH_ESCAPE', ['x/layer.tar']);
    const loop = dockerArchive([layer], {
      manifest: Buffer.from(JSON.stringify([{ Config: 'c.json', Layers: ['x/layer.tar'] }])),
      extra: [
        entry({ name: 'c.json' }, '{}'),
        entry({ name: 'x/layer.tar', type: '2', linkname: '../y/layer.tar' }),
        entry({ name: 'y/layer.tar', type: '2', linkname: '../x/layer.tar' }),
      ],
    });
    await assertRejects(loop, 'SYMLINK_HOPS', ['x/layer.tar']);
  });

  it('follows a symlinked layer member inside the archive (Docker dedups layers so)', async () => {
    const layer = tar(entry({ name: 'a' }, 'a'));
    const config = Buffer.from(
      JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(layer), sha256(layer)] } }),
    );
    const archive = tar(
      entry({ name: 'c.json' }, config),
      entry({ name: 'one/layer.tar' }, layer),
      entry({ name: 'two/layer.tar', type: '2', linkname: '../one/layer.tar' }),
      entry(
        { name: 'manifest.json' },
        JSON.stringify([{ Config: 'c.json', Layers: ['one/layer.tar', 'two/layer.tar'] }]),
      ),
    );
    const result = await inspect(writeSource(archive));
    assert.equal(result.verified, true, result.warnings.join('; '));
    assert.deepEqual(
      result.images[0]!.layers.map((l) => l.diffId),
      [sha256(layer), sha256(layer)],
    );
  });
});

describe('broken tars', () => {
  it('reports a truncated tar, as an archive and as a layer', async () => {
    const whole = tar(entry({ name: 'big' }, Buffer.alloc(5000, 1)));
    await assertRejects(whole.subarray(0, 2048), 'TAR_TRUNCATED', ['big']);
    await assertRejects(dockerArchive([whole.subarray(0, 2048)]), 'TAR_TRUNCATED', ['big', 'l0/layer.tar']);
    await assertRejects(whole.subarray(0, 700), 'TAR_TRUNCATED', ['big']);
  });

  it('reports a bad header checksum, naming the entry before it', async () => {
    const bad = tar(entry({ name: 'first' }, 'ok'), entry({ name: 'second', badChecksum: true }, 'x'));
    await assertRejects(bad, 'TAR_BAD_CHECKSUM', ['first']);
    await assertRejects(dockerArchive([bad]), 'TAR_BAD_CHECKSUM', ['first', 'l0/layer.tar']);
  });

  it('says NOT_AN_ARCHIVE for something that is not a tar at all', async () => {
    await assertRejects(Buffer.from('just some text, longer than nothing'.repeat(40)), 'NOT_AN_ARCHIVE', ['not a tar']);
    await assertRejects(Buffer.alloc(0), 'NOT_AN_ARCHIVE', ['empty']);
  });

  it('rejects names with a NUL or a newline, wherever they are written', async () => {
    await assertRejects(tar(entry({ name: Buffer.from('evil\0.txt') }, 'x')), 'TAR_BAD_NAME', ['NUL']);
    await assertRejects(tar(paxEntry({ path: 'two\nlines' }, { name: 'placeholder' }, 'x')), 'TAR_BAD_NAME', [
      'two\\nlines',
    ]);
    const longName = Buffer.from('long\0name');
    await assertRejects(
      tar(entry({ name: '././@LongLink', type: 'L', size: longName.length }, longName), entry({ name: 'short' }, 'x')),
      'TAR_BAD_NAME',
      ['NUL'],
    );
    await assertRejects(dockerArchive([tar(entry({ name: 'new\nline' }, 'x'))]), 'TAR_BAD_NAME', [
      'new\\nline',
      'l0/layer.tar',
    ]);
  });

  it('rejects a PAX header claiming a huge size, and a huge PAX header', async () => {
    await assertRejects(tar(paxEntry({ size: '99999999999999999' }, { name: 'huge' }, 'x')), 'TAR_HEADER_TOO_LARGE', [
      'huge',
    ]);
    const bigSize = Buffer.alloc(12);
    bigSize[0] = 0x80;
    bigSize.writeUIntBE(2 ** 41, 6, 6); // past MAX_ENTRY_BYTES (1 TiB)
    await assertRejects(tar(entry({ name: 'PaxHeaders/x', type: 'x', sizeField: bigSize })), 'TAR_HEADER_TOO_LARGE', [
      'PAX',
    ]);
    await assertRejects(tar(entry({ name: 'gnu-huge', sizeField: bigSize })), 'TAR_HEADER_TOO_LARGE', ['gnu-huge']);
  });

  it('rejects a malformed PAX record', async () => {
    await assertRejects(
      tar(entry({ name: 'PaxHeaders/x', type: 'x' }, '999 path=short\n'), entry({ name: 'y' }, 'y')),
      'TAR_BAD_HEADER',
      ['PAX'],
    );
  });

  it('enforces the path length and entry count limits', async () => {
    const longPath = `${'d/'.repeat(2100)}f`;
    await assertRejects(tar(paxEntry({ path: longPath }, { name: 'placeholder' }, 'x')), 'TAR_PATH_TOO_LONG', ['4096']);
    const many = tar(...Array.from({ length: 50 }, (_, i) => entry({ name: `f${i}` }, 'x')));
    await assertRejects(many, 'TAR_TOO_MANY_ENTRIES', ['40'], { limits: { maxEntries: 40 } });
  });
});

describe('manifests', () => {
  const layer = tar(entry({ name: 'a' }, 'a'));

  it('rejects a manifest.json that is not JSON, or not the right shape', async () => {
    await assertRejects(
      dockerArchive([layer], { manifest: Buffer.from('[{"Config": "c.json", "Layers": [') }),
      'MANIFEST_INVALID',
      ['manifest.json', 'not JSON'],
    );
    await assertRejects(dockerArchive([layer], { manifest: Buffer.from('{"Config": 42}') }), 'MANIFEST_INVALID', [
      'manifest.json',
    ]);
  });

  it('rejects a manifest.json that names a missing layer or config', async () => {
    const config = JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(layer)] } });
    const missingLayer = tar(
      entry({ name: 'c.json' }, config),
      entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', Layers: ['nope/layer.tar'] }])),
    );
    await assertRejects(missingLayer, 'MEMBER_MISSING', ['nope/layer.tar']);
    const missingConfig = tar(
      entry({ name: 'l/layer.tar' }, layer),
      entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'gone.json', Layers: ['l/layer.tar'] }])),
    );
    await assertRejects(missingConfig, 'MEMBER_MISSING', ['gone.json']);
  });

  it('reports a diff_id mismatch as unverified, naming the layer', async () => {
    const result = await inspect(
      writeSource(dockerArchive([layer], { diffIds: [sha256(Buffer.from('something else'))] })),
    );
    assert.equal(result.verified, false);
    assert.equal(result.images[0]!.layers[0]!.verified, false);
    assert.equal(result.images[0]!.layers[0]!.diffId, sha256(layer), 'the computed diff_id is still reported');
    assert.ok(
      result.warnings.some((w) => w.includes('l0/layer.tar') && w.includes('diff_id')),
      result.warnings.join('; '),
    );
  });

  it('stops at an OCI index that names itself (MAX_INDEX_DEPTH)', async () => {
    // Blobs are followed by name before their digest is checked, so a blob can name itself.
    const dir = mkdtempSync(join(work, 'oci-'));
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    const self = `sha256:${'a'.repeat(64)}`;
    const loop = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: self, size: 1 }],
    });
    writeFileSync(join(dir, 'blobs', 'sha256', 'a'.repeat(64)), loop);
    writeFileSync(join(dir, 'index.json'), loop);
    await assert.rejects(
      inspect(dir),
      (e: unknown) => isCoreError(e) && e.code === 'MANIFEST_INVALID' && e.message.includes('nest deeper'),
    );
  });

  it('keeps OCI layout blobs inside the layout directory', async () => {
    const dir = mkdtempSync(join(work, 'oci-escape-'));
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    const secret = join(work, 'secret.json');
    writeFileSync(secret, '{"schemaVersion":2,"manifests":[]}');
    const digest = sha256(Buffer.from('{"schemaVersion":2,"manifests":[]}'));
    symlinkSync(secret, join(dir, 'blobs', 'sha256', digest.slice(7)));
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: 36 }],
      }),
    );
    await assert.rejects(
      inspect(dir),
      (e: unknown) => isCoreError(e) && e.code === 'TAR_PATH_ESCAPE' && e.message.includes(digest.slice(7)),
    );
  });
});

describe('decompression', () => {
  it('refuses a gzip bomb in a layer and as the whole archive', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    await assertRejects(dockerArchive([bomb]), 'DECOMPRESS_RATIO', ['l0/layer.tar', '250:1']);
    await assertRejects(bomb, 'DECOMPRESS_RATIO', ['250:1']);
  });

  it('refuses a zstd bomb of RLE blocks, and a zstd frame with a huge window', async () => {
    // A zstd frame: magic, FHD 0 (no checksum, no size), window 128 KiB, then RLE blocks of 128 KiB each.
    const blocks: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
    const count = 300; // 300 × 128 KiB = 37.5 MiB from about 1.2 KiB
    for (let i = 0; i < count; i++) {
      const h = ((128 * 1024) << 3) | (1 << 1) | (i === count - 1 ? 1 : 0);
      blocks.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0]));
    }
    const zbomb = Buffer.concat(blocks);
    await assertRejects(dockerArchive([zbomb]), 'DECOMPRESS_RATIO', ['l0/layer.tar']);
    const hugeWindow = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0x00, 0x00]);
    await assertRejects(dockerArchive([Buffer.concat([hugeWindow, Buffer.alloc(600)])]), 'DECOMPRESS_FAILED', [
      'window',
      'l0/layer.tar',
    ]);
  });

  it('reports corrupt gzip in a layer', async () => {
    const gz = gzipSync(oneFile);
    gz[gz.length - 6] ^= 0xff; // break the CRC
    await assertRejects(dockerArchive([gz]), 'DECOMPRESS_FAILED', ['l0/layer.tar', 'gzip']);
  });

  it('reads gzip layers, gzip archives and listTar input alike', async () => {
    const archive = dockerArchive([gzipSync(oneFile)]);
    const result = await inspect(writeSource(gzipSync(archive)));
    assert.equal(result.format, 'docker-archive');
    assert.equal(
      result.verified,
      false,
      'the helper declares the diff_id of the compressed bytes, so it must not verify',
    );
    assert.equal(result.images[0]!.layers[0]!.compression, 'gzip');
    const listed = await listTar(chunks(gzipSync(oneFile), 100));
    assert.equal(listed.compression, 'gzip');
    assert.deepEqual(
      listed.entries.map((e) => e.path),
      ['/ok.txt'],
    );
  });
});

describe('bounded memory and time', () => {
  /** Streams a docker-archive whose one layer holds `count` one-byte files, without building it in memory. */
  async function* manyEntries(count: number): AsyncIterable<Uint8Array> {
    const layerSize = count * 1024 + 1024;
    const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: ['sha256:unknown'] } }));
    yield entry(
      { name: 'manifest.json' },
      JSON.stringify([{ Config: 'c.json', RepoTags: ['many:entries'], Layers: ['l/layer.tar'] }]),
    );
    yield entry({ name: 'c.json' }, config);
    yield header({ name: 'l/layer.tar', size: layerSize });
    const batch: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      batch.push(entry({ name: `d${i % 100}/f${i}` }, 'x'));
      if (batch.length === 1000) yield Buffer.concat(batch.splice(0));
    }
    yield Buffer.concat([...batch, END]);
    yield END;
  }

  /** Streams a layer of one file of `bytes` zeros, without building it in memory. */
  async function* hugeFile(bytes: number): AsyncIterable<Uint8Array> {
    const layerSize = 512 + bytes + 1024;
    yield entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', Layers: ['l/layer.tar'] }]));
    yield entry({ name: 'c.json' }, '{}');
    yield header({ name: 'l/layer.tar', size: layerSize });
    yield header({ name: 'big.bin', size: bytes });
    const zeros = Buffer.alloc(1024 * 1024);
    for (let sent = 0; sent < bytes; sent += zeros.length) yield zeros;
    yield END;
    yield END;
  }

  function sampleRss(): { stop(): number } {
    let peak = process.memoryUsage.rss();
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    return {
      stop() {
        clearInterval(timer);
        return Math.max(peak, process.memoryUsage.rss());
      },
    };
  }

  it('reads 200,000 tiny entries to the end, with RSS growth under 400 MB', async () => {
    const before = process.memoryUsage.rss();
    const sampler = sampleRss();
    const result = await inspectStream(manyEntries(200_000), 'many entries');
    const growth = sampler.stop() - before;
    assert.equal(
      result.images[0]!.layers[0]!.entries,
      200_000,
      'entries count what the tar lists (parents are implied)',
    );
    assert.equal(result.images[0]!.fileCount, 200_000);
    assert.ok(growth < 400 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  });

  it('holds no layer in memory: a 256 MiB file grows RSS by less than 64 MB', async () => {
    const before = process.memoryUsage.rss();
    const sampler = sampleRss();
    const result = await inspectStream(hugeFile(256 * 1024 * 1024), 'huge file');
    const growth = sampler.stop() - before;
    assert.equal(result.images[0]!.layers[0]!.uncompressedSize, 256 * 1024 * 1024 + 1536);
    assert.equal(result.images[0]!.fileCount, 1);
    assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  });
});
