import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Osc133Scanner, type Osc133Marker } from './osc133-scanner.ts';

function scan(chunks: (string | Buffer)[]): (string | Osc133Marker)[] {
  const scanner = new Osc133Scanner();
  const out: (string | Osc133Marker)[] = [];
  for (const c of chunks) {
    scanner.feed(
      Buffer.isBuffer(c) ? c : Buffer.from(c, 'latin1'),
      (b) => {
        const last = out.at(-1);
        if (typeof last === 'string') out[out.length - 1] = last + b.toString('latin1');
        else out.push(b.toString('latin1'));
      },
      (m) => out.push(m),
    );
  }
  return out;
}

test('finds markers with BEL and ST terminators, keeps other bytes in order', () => {
  assert.deepEqual(scan(['\x1b]133;A\x07$ \x1b]133;B\x07ls\r\n\x1b]133;C\x1b\\out\r\n\x1b]133;D;2\x07']), [
    { kind: 'A' },
    '$ ',
    { kind: 'B' },
    'ls\r\n',
    { kind: 'C' },
    'out\r\n',
    { kind: 'D', exitCode: 2 },
  ]);
});

test('reassembles a marker split at every possible byte', () => {
  const text = 'x\x1b]133;D;130\x07y';
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(
      scan([text.slice(0, cut), text.slice(cut)]),
      ['x', { kind: 'D', exitCode: 130 }, 'y'],
      `cut at ${cut}`,
    );
  }
  assert.deepEqual(scan(text.split('')), ['x', { kind: 'D', exitCode: 130 }, 'y'], 'one byte at a time');
});

test('other escape sequences and OSCs pass through untouched', () => {
  const other = '\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]1337;D\x07 \x1b]13;x\x07';
  assert.deepEqual(scan([other]), [other]);
});

test('hostile input: an unterminated or overlong marker is passed through, not swallowed', () => {
  const long = '\x1b]133;' + 'D'.repeat(100) + '\x07tail';
  assert.deepEqual(scan([long]), [long]);
  assert.deepEqual(scan(['\x1b]133;D;0\x1bXrest']), ['\x1b]133;D;0\x1bXrest']);
  assert.deepEqual(scan(['\x1b]133;D;99999\x07']), [{ kind: 'D', exitCode: null }], 'out-of-range status is null');
  assert.deepEqual(scan(['\x1b]133;Z\x07ok']), ['ok'], 'unknown 133 kinds are dropped like a terminal does');
});

test('a partial marker at the end is held until it resolves either way', () => {
  assert.deepEqual(scan(['a\x1b]13', '4;x\x07b']), ['a\x1b]134;x\x07b']);
});
