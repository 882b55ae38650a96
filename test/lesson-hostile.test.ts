// Hostile and broken inputs: nothing escapes the lesson folder, nothing huge is read, nothing expands without
// bound, and every refusal names the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isLessonError, lintLessons, loadLesson } from '../server/lesson/index.ts';
import { MAX_LESSON_FILE_BYTES } from '../server/lesson/text-file.ts';
import { writeTree } from './harness/lesson-tree.ts';

const root = mkdtempSync(join(tmpdir(), 'stepwise-hostile-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a lesson file beyond the size limit is refused, and lint says so', async () => {
  const dir = join(root, 'huge');
  writeTree(dir, { 'lesson.md': '' });
  writeFileSync(join(dir, 'lesson.md'), Buffer.alloc(MAX_LESSON_FILE_BYTES + 1, 0x61));
  await assert.rejects(
    loadLesson(dir),
    (e: unknown) => isLessonError(e) && e.code === 'LESSON_TOO_LARGE' && e.message.includes('lesson.md'),
  );
  const [report] = await lintLessons([dir]);
  assert.equal(report?.problems[0]?.severity, 'error');
  assert.match(report?.problems[0]?.message ?? '', /more than the 2097152-byte limit/);
});

test('symlinks leading out of the lesson folder are refused: step text, script, asset', async () => {
  const outside = join(root, 'secret.txt');
  writeFileSync(outside, 'secret\n');
  const kata = join(root, 'links-kata');
  writeTree(kata, {
    'index.json':
      '{\n  "details": {\n    "steps": [\n      { "text": "step.md", "verify": "verify.sh" }\n    ]\n  }\n}\n',
  });
  symlinkSync(outside, join(kata, 'step.md'));
  symlinkSync(outside, join(kata, 'verify.sh'));
  const lesson = await loadLesson(kata);
  assert.deepEqual(
    lesson.problems.map((p) => `${p.line} ${p.severity}: ${p.message}`),
    [
      "4 error: text 'step.md' is a link leading out of the lesson folder",
      "4 error: verify script 'verify.sh' is a link leading out of the lesson folder",
    ],
  );
  assert.equal(lesson.steps[0]?.blocks.length, 0, 'nothing was read through the link');

  const native = join(root, 'links-native');
  writeTree(native, { 'lesson.md': '---\nassets: [notes.txt]\n---\n## S\n`ls`\n' });
  symlinkSync(outside, join(native, 'notes.txt'));
  const nativeLesson = await loadLesson(native);
  assert.deepEqual(nativeLesson.assets, []);
  assert.deepEqual(
    nativeLesson.problems.map((p) => `${p.line} ${p.severity}: ${p.message}`),
    ["2 error: asset 'notes.txt' is a link leading out of the lesson folder"],
  );
});

test('a YAML alias bomb in front matter is an error, not an expansion', async () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  ];
  const dir = join(root, 'bomb');
  writeTree(dir, { 'lesson.md': `---\n${bomb.join('\n')}\n---\n## S\n` });
  const lesson = await loadLesson(dir);
  assert.equal(lesson.problems.length, 1);
  assert.match(lesson.problems[0]?.message ?? '', /^bad YAML: .*alias/i);
  assert.deepEqual(lesson.meta, {});
});

test('paths that are not lessons throw typed errors naming the path', async () => {
  writeTree(join(root, 'odd'), { 'notes.txt': 'x', 'empty/.keep': '' });
  await assert.rejects(
    loadLesson(join(root, 'odd', 'notes.txt')),
    (e: unknown) => isLessonError(e) && e.code === 'LESSON_NOT_A_LESSON',
  );
  await assert.rejects(
    loadLesson(join(root, 'odd', 'nothing-here')),
    (e: unknown) => isLessonError(e) && e.code === 'LESSON_NOT_FOUND',
  );
  await assert.rejects(
    loadLesson(join(root, 'odd', 'empty')),
    (e: unknown) => isLessonError(e) && e.message.includes('needs lesson.md or index.json'),
  );
  const [report] = await lintLessons([join(root, 'odd', 'empty')]);
  assert.deepEqual(
    report?.problems.map((p) => p.message),
    ['no lessons here: no lesson.md, index.json, or .md file with front matter'],
  );
});

test('index.json that is not an object, and one that is not JSON at all', async () => {
  writeTree(join(root, 'json'), { 'array/index.json': '[1, 2]\n', 'binary/index.json': '\u0000\u0001PK\n' });
  const array = await loadLesson(join(root, 'json', 'array'));
  assert.deepEqual(
    array.problems.map((p) => `${p.line} ${p.severity}: ${p.message}`),
    ['1 error: index.json: Invalid input: expected object, received array'],
  );
  const binary = await loadLesson(join(root, 'json', 'binary'));
  assert.equal(binary.problems[0]?.severity, 'error');
  assert.match(binary.problems[0]?.message ?? '', /^bad JSON: /);
});
