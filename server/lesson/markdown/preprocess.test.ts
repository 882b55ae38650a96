import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preprocess } from './preprocess.ts';

test('closing fence marks are cut off and remembered by line; line count is kept', () => {
  const input = ['```', 'ls', '```{{exec T2}}', '', '   ```', '   pwd', '   ```{{ copy }}', '```{{TRAFFIC_HOST1_80}}'];
  const { lines, fenceMarks } = preprocess(input);
  assert.deepEqual(lines, ['```', 'ls', '```', '', '   ```', '   pwd', '   ```', '```{{TRAFFIC_HOST1_80}}']);
  assert.deepEqual([...fenceMarks.keys()], [2, 6]);
  assert.deepEqual(fenceMarks.get(2), {
    type: 'cell',
    kind: 'exec',
    terminal: 2,
    noNewline: false,
    runnable: true,
    opensFile: false,
    unknownWords: [],
  });
  assert.deepEqual(fenceMarks.get(6), {
    type: 'cell',
    kind: 'copy',
    terminal: 1,
    noNewline: false,
    runnable: false,
    opensFile: false,
    unknownWords: [],
  });
});

test("kramdown's {:toc} and the one-item list before it are blanked", () => {
  const { lines } = preprocess(['intro', '', '* content', '{:toc}', '', '* a real list']);
  assert.deepEqual(lines, ['intro', '', '', '', '', '* a real list']);
});

test('a marked fence line with no fence open is blanked and reported, never opening a fence', () => {
  const { lines, fenceMarks, strayMarks } = preprocess(['```{{exec}}', 'prose', '```', 'ls', '```{{exec}}']);
  assert.deepEqual(lines, ['', 'prose', '```', 'ls', '```']);
  assert.deepEqual(strayMarks, [0]);
  assert.deepEqual([...fenceMarks.keys()], [4]);
});

test('text after a closing mark is cut off and remembered; the fence closes', () => {
  const { lines, fenceMarks, trailingText } = preprocess([
    '~~~~',
    'ls',
    '~~~~{{exec}} and more',
    '```',
    '~~~{{exec}}',
    '```',
  ]);
  assert.deepEqual(lines, ['~~~~', 'ls', '~~~~', '```', '~~~{{exec}}', '```']);
  assert.deepEqual([...fenceMarks.keys()], [2]);
  assert.deepEqual([...trailingText], [[2, 'and more']]);
});

test('lines inside <pre> are left as written', () => {
  const input = ['<pre>', '```', 'ls', '```{{exec}}', '</pre>', '{:toc}'];
  assert.deepEqual(preprocess(input).lines, ['<pre>', '```', 'ls', '```{{exec}}', '</pre>', '']);
});
