import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemList } from './problems.ts';
import { parseYamlSource } from './yaml-source.ts';

test('lines of keys and values, offset by the base line', () => {
  const yaml = parseYamlSource('a: 1\nb:\n  c: [x, y]\n  d:\n    - e\n', 'f.md', 10, new ProblemList());
  assert.ok(yaml);
  assert.equal(yaml.lineOf(['a']), 10);
  assert.equal(yaml.lineOf(['b', 'c']), 12);
  assert.equal(yaml.lineOf(['b', 'd', 0], 'value'), 14);
  assert.equal(yaml.lineOf(['b', 'missing']), 12, 'a missing key points at its parent');
});

test('an unclosed [ or { is reported where it opened, not where YAML noticed', () => {
  const problems = new ProblemList();
  const text = [
    '- file: "a [quoted] b"',
    "  note: it's fine # a [ comment",
    '  contains: [never closed',
    '  hint: x',
    '- file: y',
  ].join('\n');
  assert.equal(parseYamlSource(text, 'f.md', 1, problems), null);
  assert.deepEqual(
    problems.items.map((p) => p.line),
    [3],
  );
});
