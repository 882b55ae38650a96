import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRange, inRange, listSome, matchText, quote } from './text.ts';
import { tarHas } from './kinds/tar.ts';

test('ranges read as plain words and include both ends', () => {
  assert.equal(describeRange(1, 'layer'), 'exactly 1 layer');
  assert.equal(describeRange({ min: 2 }, 'file'), 'at least 2 files');
  assert.equal(describeRange({ max: 0 }, 'entry', 'entries'), 'at most 0 entries');
  assert.equal(describeRange({ min: 1, max: 3 }, 'layer'), 'between 1 and 3 layers');
  assert.deepEqual(
    [inRange(3, { min: 1, max: 3 }), inRange(4, { min: 1, max: 3 }), inRange(0, 0)],
    [true, false, true],
  );
});

test('quoted text is one line, with control characters shown, and cut when long', () => {
  assert.equal(quote('a\nb\u0007\u001b[31m'), '"a⏎b\\x07\\x1b[31m"');
  assert.match(quote('x'.repeat(1000)), /^"x{400}…"$/);
  assert.equal(listSome(['a', 'b', 'c', 'd', 'e', 'f', 'g']), 'a, b, c, d, e and 2 more');
});

test('matchText: every contains must occur; a bad pattern is a finding, not an exception', () => {
  const f = matchText('hello world', { contains: ['hello', 'mars'], matches: '(' }, 'greeting.txt');
  assert.deepEqual(
    f.map((x) => x.ok),
    [true, false, false],
  );
  assert.equal(f[1]?.problem, 'greeting.txt does not contain "mars"; it holds "hello world"');
  assert.match(f[2]?.problem ?? '', /is not a valid regular expression/);
});

test('tarHas: names as tar lists them, directories with or without their slash, and globs', () => {
  const paths = ['project/', 'project/README.md', 'project/src/', 'project/src/hello.sh', 'abc123/layer.tar'];
  assert.equal(tarHas(paths, 'project/src'), true);
  assert.equal(tarHas(paths, './project/README.md'), true);
  assert.equal(tarHas(paths, '/project/src/hello.sh'), true);
  assert.equal(tarHas(paths, '*/layer.tar'), true);
  assert.equal(tarHas(paths, 'project/src/missing.sh'), false);
  assert.equal(tarHas(paths, 'project/READ'), false, 'no prefix matches');
});
