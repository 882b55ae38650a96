// Native lessons written in the test: every construct of the format, and every error path at its file:line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lintLessons, loadLesson, stepCells } from '../server/lesson/index.ts';
import type { Lesson } from '../server/lesson/index.ts';
import { lines, listed, writeTree } from './harness/lesson-tree.ts';

const root = mkdtempSync(join(tmpdir(), 'stepwise-native-'));
after(() => rmSync(root, { recursive: true, force: true }));

const FULL = lines(
  '---', // 1
  'title: Demo',
  'description: A demo.',
  'difficulty: easy',
  'time: 5', // 5
  'environment:',
  '  backend: local',
  '  requires: [docker]',
  '  terminals: 2',
  'unlock: free', // 10
  'setup: rm -rf out',
  'assets:',
  '  - notes.txt',
  '  - {file: run.sh, target: bin/run.sh, chmod: "+x"}',
  'layout: post', // 15
  '---',
  '# A heading the front matter title replaces',
  '',
  'Intro text.',
  '', // 20
  '## Setup',
  '',
  '`ls`',
  '',
  '```bash T2 expect-exit=1 norun', // 25
  'grep x y',
  '```',
  '',
  '```console',
  '$ ls', // 30
  '```',
  '',
  '1. Item',
  '',
  '   ```sh', // 35
  '   echo nested',
  '   ```',
  '',
  '```bash interrupt title=x',
  'sleep 1', // 40
  '```',
  '',
  '```check',
  '- file: out/result',
  '  hint: make it', // 45
  '```',
  '',
  '```hint',
  'Try `ls`.',
  '```', // 50
  '',
  '```solution',
  'Run it.',
  '```',
  '', // 55
  '## Setup',
  '',
  'Text with `inline code` only.',
  '',
  '```check', // 60
  '- file: notes.txt',
  '```',
);

let full: Lesson;
const fullFile = join(root, 'full', 'lesson.md');

test('native: front matter, steps, cells, info words, checks, hints and solutions', async () => {
  writeTree(join(root, 'full'), { 'lesson.md': FULL, 'notes.txt': 'hello\n' });
  full = await loadLesson(join(root, 'full'), { root });
  assert.equal(full.id, 'full');
  assert.equal(full.format, 'native');
  assert.equal(full.title, 'Demo');
  assert.equal(full.description, 'A demo.');
  assert.equal(full.difficulty, 'easy');
  assert.equal(full.time, '5 minutes');
  assert.equal(full.unlock, 'free');
  assert.deepEqual(full.environment, { backend: 'local', requires: ['docker'], terminals: 2 });
  assert.deepEqual(full.setup, ['rm -rf out']);
  assert.deepEqual(full.meta, { layout: 'post' });
  assert.deepEqual(
    full.assets.map((a) => [a.file, a.target, a.chmod ?? null]),
    [
      [join(root, 'full', 'notes.txt'), 'notes.txt', null],
      [join(root, 'full', 'run.sh'), 'bin/run.sh', '+x'],
    ],
  );
  assert.deepEqual(full.intro?.blocks, [
    { type: 'prose', markdown: 'Intro text.', source: { file: fullFile, line: 19 } },
  ]);
  assert.deepEqual(
    full.steps.map((s) => [s.id, s.index, s.title, s.source.line]),
    [
      ['setup', 1, 'Setup', 21],
      ['setup-2', 2, 'Setup', 56],
    ],
  );

  const [first, second] = full.steps;
  assert.ok(first && second);
  assert.deepEqual(
    stepCells(first).map((c) => [c.id, c.command, c.kind, c.terminal, c.runnable, c.expectExit, c.source.line]),
    [
      ['s1.c1', 'ls', 'exec', 1, true, 0, 23],
      ['s1.c2', 'grep x y', 'exec', 2, false, 1, 25],
      ['s1.c3', 'echo nested', 'exec', 1, true, 0, 35],
      ['s1.c4', 'sleep 1', 'interrupt', 1, true, 0, 39],
    ],
  );
  // The console transcript is prose; the nested fence stays in its list, marked with its cell id.
  const nested = first.blocks.find((b) => b.type === 'prose' && b.cells !== undefined);
  assert.ok(nested?.type === 'prose');
  assert.equal(
    nested.markdown,
    lines('```console', '$ ls', '```', '', '1. Item', '', '   ```sh cell=s1.c3', '   echo nested', '   ```').trimEnd(),
  );
  assert.deepEqual(
    nested.cells?.map((c) => c.id),
    ['s1.c3'],
  );
  assert.deepEqual(
    first.checks.map((c) => [c.kind, c.target, c.hint, c.source.line]),
    [['file', 'out/result', 'make it', 44]],
  );
  assert.deepEqual(first.hints, ['Try `ls`.']);
  assert.equal(first.solution, 'Run it.');
  assert.deepEqual(stepCells(second), [], 'inline code in a sentence is not a cell');

  assert.deepEqual(
    listed(full.problems, fullFile),
    [
      "15 note: front matter key 'layout' is not one stepwise reads; kept as metadata",
      "14 warning: asset 'run.sh' does not exist in the lesson folder",
      "39 note: info word 'title=x' means nothing to stepwise and is ignored",
    ].sort(byLine),
  );
});

function byLine(a: string, b: string): number {
  return Number.parseInt(a, 10) - Number.parseInt(b, 10);
}

test('native lint: a check on a shipped asset cannot fail; a step without checks is a note', async () => {
  const [report] = await lintLessons([join(root, 'full')]);
  assert.ok(report);
  assert.deepEqual(
    report.problems.map((p) => `${p.line} ${p.severity}: ${p.message}`),
    [
      "14 warning: asset 'run.sh' does not exist in the lesson folder",
      "15 note: front matter key 'layout' is not one stepwise reads; kept as metadata",
      "39 note: info word 'title=x' means nothing to stepwise and is ignored",
      "61 warning: this file check cannot fail: the lesson ships 'notes.txt' as an asset, so it exists from the start",
    ],
  );
  assert.deepEqual(report.steps, [
    {
      title: 'Setup',
      cells: [
        { command: 'ls', kind: 'exec', terminal: 1, noNewline: false, runnable: true },
        { command: 'grep x y', kind: 'exec', terminal: 2, noNewline: false, runnable: false },
        { command: 'echo nested', kind: 'exec', terminal: 1, noNewline: false, runnable: true },
        { command: 'sleep 1', kind: 'interrupt', terminal: 1, noNewline: false, runnable: true },
      ],
      checks: 1,
    },
    { title: 'Setup', cells: [], checks: 1 },
  ]);
  assert.deepEqual(report.intro, { cells: [] });
});

test('native errors: each at its file:line', async () => {
  const file = join(root, 'broken', 'lesson.md');
  writeTree(join(root, 'broken'), {
    'lesson.md': lines(
      '---', // 1
      'title: Ok',
      'unlock: sometimes',
      'environment:',
      '  terminals: 1', // 5
      '  bogus: 1',
      'setup: 5',
      'assets: [../outside]',
      '---',
      '## One', // 10
      '',
      '```bash T2',
      'ls',
      '```',
      '', // 15
      '```bash T17',
      'ls',
      '```',
      '',
      '```bash expect-exit=x', // 20
      'ls',
      '```',
      '',
      '```check',
      '- fil: x', // 25
      '- file: y',
      '  bogus: 1',
      '```',
      '',
      '- item', // 30
      '',
      '  ```check',
      '  - file: z',
      '  ```',
      '', // 35
      '```check',
      '- file: [',
      '```',
    ),
  });
  const lesson = await loadLesson(file);
  assert.deepEqual(
    listed(lesson.problems, file),
    [
      '3 error: front matter: \'unlock\': Invalid option: expected one of "checks"|"free"',
      "6 error: unknown field 'environment.bogus' in front matter (allowed: backend, image, requires, terminals)",
      "7 error: front matter: 'setup': expected a command, or a list of commands",
      "8 error: asset '../outside' leads out of the lesson folder",
      '12 error: cell aimed at T2, but the lesson has 1 terminal (environment.terminals at line 5)',
      '16 error: cell aimed at T17, a terminal that cannot exist: terminals are T1 to T16',
      "20 error: expect-exit takes an exit code from 0 to 255, not 'x'",
      "25 error: unknown check kind 'fil' (expected one of file, tar, image, command, output, script)",
      "27 error: unknown field 'bogus' in file check (allowed: exists, absent, contains, matches, mode, type, hint)",
      '32 warning: a ```check block inside a list or quote is ignored: put it at the top level of the step',
      '37 error: bad YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ].sort(byLine),
  );
  // What was valid is kept: the title, and the one check that parsed.
  assert.equal(lesson.title, 'Ok');
  assert.equal(lesson.unlock, 'checks');
  assert.deepEqual(
    lesson.steps[0]?.checks.map((c) => c.target),
    [],
  );
});

test('native: bad front matter YAML and unclosed front matter are errors at their lines', async () => {
  writeTree(join(root, 'yaml'), {
    'bad.md': lines('---', 'title: [unclosed', '---', '## Step', '`ls`'),
    'open.md': lines('---', 'title: never closed', '## Step'),
    'list.md': lines('---', '- a list', '---', '## Step'),
  });
  const bad = await loadLesson(join(root, 'yaml', 'bad.md'));
  assert.deepEqual(listed(bad.problems, join(root, 'yaml', 'bad.md')), [
    '2 error: bad YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  assert.deepEqual(
    stepCells(bad.steps[0]!).map((c) => c.command),
    ['ls'],
    'the body still loads',
  );
  const open = await loadLesson(join(root, 'yaml', 'open.md'));
  assert.deepEqual(listed(open.problems, join(root, 'yaml', 'open.md')), [
    "1 error: front matter opened with '---' never closes: end it with a line of '---'",
  ]);
  const list = await loadLesson(join(root, 'yaml', 'list.md'));
  assert.deepEqual(listed(list.problems, join(root, 'yaml', 'list.md')), [
    '2 error: front matter must be a YAML mapping of keys such as title: and description:',
  ]);
});

test('native: a text without ## is one step; the h1 is the title; blocks before the first step are reported', async () => {
  writeTree(join(root, 'plain'), {
    'one.md': lines(
      '# Just one',
      '',
      'Run `this`:',
      '',
      '`echo hi`',
      '',
      '```check',
      '- output: true',
      '  contains: hi',
      '```',
    ),
    'early.md': lines('```hint', 'too early', '```', '', '## Real step', '', '`ls`'),
  });
  const one = await loadLesson(join(root, 'plain', 'one.md'), { root });
  assert.equal(one.id, 'plain/one.md');
  assert.equal(one.title, 'Just one');
  assert.deepEqual(
    one.steps.map((s) => [s.title, s.id]),
    [['Just one', 'just-one']],
  );
  assert.deepEqual(
    stepCells(one.steps[0]!).map((c) => [c.id, c.command]),
    [['s1.c1', 'echo hi']],
  );
  assert.equal(one.steps[0]?.checks.length, 1);
  assert.deepEqual(listed(one.problems, join(root, 'plain', 'one.md')), [
    "1 note: no '## ' step headings: the whole text is one step",
  ]);

  const early = await loadLesson(join(root, 'plain', 'early.md'));
  assert.deepEqual(listed(early.problems, join(root, 'plain', 'early.md')), [
    '1 warning: check, hint and solution blocks before the first step are ignored: put them under a step',
  ]);
  assert.equal(early.intro, undefined);
});

test('native: the docker backend with requires docker, and an unknown requirement, are warnings', async () => {
  const file = join(root, 'env', 'lesson.md');
  writeTree(join(root, 'env'), {
    'lesson.md': lines('---', 'environment:', '  backend: docker', '  requires: [docker, gpu]', '---', '## S', '`ls`'),
  });
  const lesson = await loadLesson(file);
  assert.deepEqual(listed(lesson.problems, file), [
    '3 warning: the docker backend cannot run lessons that require Docker: an engine inside a container needs privileges; use --backend local',
    '4 warning: stepwise does not know the requirement "gpu"; it knows docker, network',
  ]);
});
