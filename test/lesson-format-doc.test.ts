// docs/lesson-format.md is the authoring reference: its embedded JSON Schema must be the one the code generates,
// and its check examples must be valid check YAML.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkListJsonSchema, parseCheckList } from '../server/lesson/check-schema.ts';
import { REPO_ROOT } from './harness/cli.ts';

const DOC = join(REPO_ROOT, 'docs', 'lesson-format.md');
const BEGIN = '<!-- check-schema:begin -->';
const END = '<!-- check-schema:end -->';

test('the JSON Schema embedded in docs/lesson-format.md equals checkListJsonSchema()', () => {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  assert.ok(start !== -1 && end > start, `${DOC} must hold the schema between ${BEGIN} and ${END}`);
  const fenced = /```json\n([\s\S]*?)\n```/.exec(doc.slice(start + BEGIN.length, end));
  assert.ok(fenced?.[1], 'a ```json block between the markers');
  assert.deepEqual(JSON.parse(fenced[1]), checkListJsonSchema(), 'regenerate the copy with the command the doc gives');
});

test('the check examples in docs/lesson-format.md are valid check YAML', () => {
  const doc = readFileSync(DOC, 'utf8');
  const examples = [...doc.matchAll(/```(?:yaml|check)\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
  assert.ok(examples.length >= 2);
  for (const example of examples) {
    const { checks, problems } = parseCheckList(example, { file: DOC, line: 1 });
    assert.deepEqual(problems, []);
    assert.ok(checks.length > 0);
  }
});
