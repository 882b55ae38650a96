// The tar reader against archives written by GNU tar itself (every sparse format, long names, PAX), fed in
// chunks of every awkward size, and against the end-of-archive rules.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../limits.ts';
import { TarReader, type TarEntry } from './reader.ts';

let work: string;

/** A sparse file with `holes` data islands of 4 KiB, 64 KiB apart: more than 4 forces GNU extension blocks. */
function sparseFile(path: string, islands: number): number {
  const fd = openSync(path, 'w');
  const island = Buffer.alloc(4096, 0x61);
  for (let i = 0; i < islands; i++) writeSync(fd, island, 0, island.length, i * 65536);
  closeSync(fd);
  return (islands - 1) * 65536 + 4096;
}

function gnuTar(args: string[]): Buffer {
  return execFileSync('tar', ['-C', work, ...args, '-cf', '-', 'src'], { maxBuffer: 64 * 1024 * 1024 });
}

function list(bytes: Buffer, chunk: number): { entries: TarEntry[]; reader: TarReader } {
  const entries: TarEntry[] = [];
  const reader = new TarReader({
    label: 'test tar',
    limits: DEFAULT_LIMITS,
    onEntry: (e) => {
      entries.push(e);
      return null;
    },
  });
  // No entry has a sink, so the reader never asks to wait.
  for (let i = 0; i < bytes.length; i += chunk) assert.equal(reader.write(bytes.subarray(i, i + chunk)), undefined);
  assert.equal(reader.end(), undefined);
  return { entries, reader };
}

describe('TarReader', () => {
  let logical = 0;
  const longName = `src/${'very-long-directory-name/'.repeat(6)}file-name-that-is-long.txt`;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'stepwise-tar-reader-'));
    mkdirSync(join(work, longName, '..'), { recursive: true });
    logical = sparseFile(join(work, 'src', 'sparse.img'), 30);
    writeFileSync(join(work, longName), 'long\n');
    writeFileSync(join(work, 'src', 'ünïcödé.txt'), 'unicode\n');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const formats: [string, string[]][] = [
    ['GNU sparse with extension blocks', ['--format=gnu', '--sparse']],
    ['PAX sparse 0.0', ['--format=pax', '--sparse', '--sparse-version=0.0']],
    ['PAX sparse 0.1', ['--format=pax', '--sparse', '--sparse-version=0.1']],
    ['PAX sparse 1.0', ['--format=pax', '--sparse', '--sparse-version=1.0']],
  ];
  for (const [name, args] of formats) {
    it(`reads ${name}: logical size, real name, long names, unicode, in any chunking`, () => {
      const bytes = gnuTar(args);
      const reference = execFileSync('tar', ['-tvf', '-'], { input: bytes, encoding: 'utf8' });
      for (const chunk of [1, 3, 511, 512, 513, 4096, bytes.length]) {
        const { entries } = list(bytes, chunk);
        const sparse = entries.find((e) => e.name.endsWith('sparse.img'));
        assert.ok(
          sparse,
          `chunk ${chunk}: the sparse file is listed under its real name (${entries.map((e) => e.name).join(', ')})`,
        );
        assert.equal(sparse.name, 'src/sparse.img');
        assert.equal(sparse.sparse, true);
        assert.equal(sparse.size, logical, 'the logical size, as GNU tar reports it');
        assert.ok(reference.includes(String(logical)), 'GNU tar agrees on the size');
        assert.ok(
          entries.some((e) => e.name === longName),
          `chunk ${chunk}: long name`,
        );
        assert.ok(
          entries.some((e) => e.name === 'src/ünïcödé.txt'),
          `chunk ${chunk}: unicode name`,
        );
        assert.equal(entries.length, reference.trim().split('\n').length, `chunk ${chunk}: as many entries as tar -t`);
      }
    });
  }

  it('stops at the first zero block and counts what follows', () => {
    const bytes = gnuTar(['--format=gnu']);
    const trailer = Buffer.from('ustar-looking trailing TOC, as eStargz writes'.padEnd(1024, '!'));
    const plain = list(bytes, 1000);
    const withTrailer = list(Buffer.concat([bytes, trailer]), 1000);
    assert.equal(withTrailer.entries.length, plain.entries.length, 'nothing after the end marker is an entry');
    assert.equal(withTrailer.reader.sawEndMarker, true);
    assert.equal(withTrailer.reader.trailingBytes, plain.reader.trailingBytes + trailer.length);
  });

  it('delivers entry data to a sink, byte for byte', () => {
    const bytes = gnuTar(['--format=pax']);
    const seen = new Map<string, Buffer[]>();
    const reader = new TarReader({
      label: 'test tar',
      limits: DEFAULT_LIMITS,
      onEntry: (e) => {
        const parts: Buffer[] = [];
        seen.set(e.name, parts);
        return { write: (c) => void parts.push(Buffer.from(c)), end: () => undefined };
      },
    });
    // The sinks never ask to wait, so the reader makes no promise.
    for (let i = 0; i < bytes.length; i += 777) assert.equal(reader.write(bytes.subarray(i, i + 777)), undefined);
    assert.equal(reader.end(), undefined);
    assert.equal(Buffer.concat(seen.get(longName) ?? []).toString(), readFileSync(join(work, longName), 'utf8'));
    assert.equal(Buffer.concat(seen.get('src/ünïcödé.txt') ?? []).toString(), 'unicode\n');
  });
});
