import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preprocess } from './preprocess.ts';

test('closing fence marks are cut off and remembered by line; line count is kept', () => {
  const input = ['```', 'ls', '```{{exec T2}}', '', '   ```', '   pwd', '   ```{{ copy }}', '```{{TRAFFIC_HOST1_80}}'];
  const { lines, fenceMarks } = preprocess(input);
  assert.deepEqual(lines, ['```', 'ls', '```', '', '   ```', '   pwd', '   ```', '```{{TRAFFIC_HOST1_80}}']);
  assert.deepEqual([...fenceMarks.keys()], [2, 6]);
  assert.equal(fenceMarks.get(2)?.type === 'cell' && fenceMarks.get(2)?.type === 'cell' ? 2 : 0, 2);
});

test("kramdown's {:toc} and the one-item list before it are blanked", () => {
  const { lines } = preprocess(['intro', '', '* content', '{:toc}', '', '* a real list']);
  assert.deepEqual(lines, ['intro', '', '', '', '', '* a real list']);
});
