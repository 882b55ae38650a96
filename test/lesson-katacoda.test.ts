// Katacoda and Killercoda scenarios written in the test: every construct DESIGN.md lists, and every error path
// at its file:line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  discoverCourses,
  discoverLessons,
  lessonCells,
  lintLessons,
  loadLesson,
  stepCells,
} from '../server/lesson/index.ts';
import type { Block, Lesson } from '../server/lesson/index.ts';
import { lines, listed, writeTree } from './harness/lesson-tree.ts';

const root = mkdtempSync(join(tmpdir(), 'stepwise-katacoda-'));
after(() => rmSync(root, { recursive: true, force: true }));

function prose(blocks: readonly Block[]): string {
  return blocks.flatMap((b) => (b.type === 'prose' ? [b.markdown] : [])).join('\n\n');
}

// ---- the Katacoda dialect, inside a Katacoda pathway

const KATA = join(root, 'paths', 'k', 'kata');

const KATA_INDEX = lines(
  '{', // 1
  '  "title": "Kata",',
  '  "description": "Old dialect",',
  '  "difficulty": "beginner",',
  '  "time": "5 minutes",', // 5
  '  "details": {',
  '    "intro": { "text": "intro.md", "courseData": "bg.sh", "code": "fg.sh", "credits": "me" },',
  '    "steps": [',
  '      { "title": "First", "text": "step1.md", "verify": "verify1.sh", "answer": "answer1.md" },',
  '      { "text": "step2.md", "courseData": "missing-bg.sh" }', // 10
  '    ],',
  '    "finish": { "text": "finish.md" },',
  '    "assets": { "client": [ { "file": "conf.yaml", "target": "~/" } ] }',
  '  },',
  '  "environment": { "uilayout": "terminal", "showdashboard": true },', // 15
  '  "backend": { "imageid": "docker" },',
  '  "pathwayTitle": "x"',
  '}',
);

const KATA_STEP1 = lines(
  'Run it:', // 1
  '',
  '`echo one`{{execute}}',
  '',
  '`echo two`{{execute T2}}', // 5
  '',
  '`top`{{Execute HOST2}}',
  '',
  '`clear`{{execute interrupt T2}}',
  '', // 10
  '`^C`{{execute ctrl-seq}}',
  '',
  '`partial`{{execute no-newline}}',
  '',
  'Copy `a value`{{copy}} or see [`docs`{{copy}}](http://x) and `plain`{{}}.', // 15
  '',
  '```',
  'multi',
  'line',
  '```{{execute T3 INTERRUPT}}', // 20
  '',
  '1. In a list:',
  '',
  '    ```',
  '    indented', // 25
  '    ```{{exec}}',
  '',
  'Open https://[[HOST_SUBDOMAIN]]-8080-[[KATACODA_HOST]].environments.katacoda.com/ and [[HOST_IP]].',
  '',
  '`x`{{execute bogus}}', // 30
);

let kata: Lesson;

test('katacoda: index.json, pages, scripts, answer, assets, environment and unknown keys', async () => {
  writeTree(KATA, {
    'index.json': KATA_INDEX,
    'intro.md': lines('# Welcome', '', 'Hello.'),
    'bg.sh': 'true\n',
    'fg.sh': 'true\n',
    'step1.md': KATA_STEP1,
    'verify1.sh': 'true\n',
    'answer1.md': lines('Run `echo one`.'),
    'step2.md': lines('', '# Second step', '', 'Done.'),
    'finish.md': lines('Bye.'),
    'assets/conf.yaml': 'a: 1\n',
  });
  kata = await loadLesson(KATA, { root: join(root, 'paths') });
  assert.equal(kata.id, 'k/kata');
  assert.equal(kata.format, 'katacoda');
  assert.equal(kata.title, 'Kata');
  assert.equal(kata.description, 'Old dialect');
  assert.equal(kata.difficulty, 'beginner');
  assert.equal(kata.time, '5 minutes');
  assert.equal(kata.environment.image, 'docker');
  assert.deepEqual(kata.meta, {
    'details.intro.credits': 'me',
    layout: 'terminal',
    'environment.showdashboard': true,
    pathwayTitle: 'x',
  });
  assert.equal(kata.intro?.title, 'Welcome');
  assert.deepEqual(
    kata.intro?.scripts.map((s) => [s.kind, s.path, s.exists]),
    [
      ['background', join(KATA, 'bg.sh'), true],
      ['foreground', join(KATA, 'fg.sh'), true],
    ],
  );
  assert.deepEqual(
    kata.steps.map((s) => [s.id, s.title]),
    [
      ['first', 'First'],
      ['second-step', 'Second step'],
    ],
  );
  const [first, second] = kata.steps;
  assert.ok(first && second);
  assert.deepEqual(
    first.scripts.map((s) => [s.kind, s.path, s.source.line]),
    [['verify', join(KATA, 'verify1.sh'), 9]],
  );
  assert.deepEqual(
    first.checks.map((c) => [c.kind, c.target, c.source.line]),
    [['script', 'verify1.sh', 9]],
  );
  assert.equal(first.solution, 'Run `echo one`.');
  assert.deepEqual(
    second.scripts.map((s) => [s.kind, s.exists]),
    [['background', false]],
  );
  assert.ok(!prose(second.blocks).includes('# Second step'), 'a heading taken as the title is not repeated');
  assert.equal(kata.finish?.blocks.length, 1);
  assert.deepEqual(kata.assets, [{ file: join(KATA, 'assets', 'conf.yaml'), target: 'conf.yaml' }]);
});

test('katacoda: every action mark, in any order and case, fenced, indented and inline', () => {
  const step = kata.steps[0];
  assert.ok(step);
  assert.deepEqual(
    stepCells(step).map((c) => [
      c.id,
      c.command,
      c.kind,
      c.terminal,
      c.host ?? null,
      c.noNewline ?? false,
      c.runnable,
      c.source.line,
    ]),
    [
      ['s1.c1', 'echo one', 'exec', 1, null, false, true, 3],
      ['s1.c2', 'echo two', 'exec', 2, null, false, true, 5],
      ['s1.c3', 'top', 'exec', 1, 2, false, true, 7],
      ['s1.c4', 'clear', 'interrupt', 2, null, false, true, 9],
      ['s1.c5', '^C', 'keys', 1, null, false, true, 11],
      ['s1.c6', 'partial', 'exec', 1, null, true, true, 13],
      ['s1.c7', 'a value', 'copy', 1, null, false, false, 15],
      ['s1.c8', 'docs', 'copy', 1, null, false, false, 15],
      ['s1.c9', 'multi\nline', 'interrupt', 3, null, false, true, 17],
      ['s1.c10', 'indented', 'exec', 1, null, false, true, 24],
      ['s1.c11', 'x', 'exec', 1, null, false, true, 30],
    ],
  );
  assert.equal(kata.environment.terminals, 3);
  const text = prose(step.blocks);
  assert.ok(text.includes('Copy [`a value`](#cell/s1.c7) or see [`docs`](http://x) and `plain`.'), text);
  assert.ok(text.includes('    ``` cell=s1.c10\n    indented\n    ```'), text);
  assert.ok(text.includes('Open /port/8080/ and [[HOST_IP]].'), text);
  assert.ok(!text.includes('{{'), 'no action mark is left in the text');
});

test('katacoda: what stepwise cannot honour is reported at its line', () => {
  const index = join(KATA, 'index.json');
  assert.deepEqual(listed(kata.problems, index), [
    "7 warning: 'details.intro.credits' is not supported by stepwise; kept as metadata",
    "10 warning: background script 'missing-bg.sh' is missing",
    '15 warning: Katacoda environment.showdashboard is not supported by stepwise; kept as metadata',
    "15 note: layout 'terminal': stepwise shows the lesson beside its terminals",
    "16 note: backend.imageid 'docker' is kept for reference: stepwise runs lessons on its own backend",
    "17 warning: 'pathwayTitle' is not supported by stepwise; kept as metadata",
  ]);
  assert.deepEqual(listed(kata.problems, join(KATA, 'step1.md')), [
    '7 warning: HOST2: stepwise gives each learner one host, so this cell runs there',
    '28 warning: placeholder [[HOST_IP]] is Katacoda-specific and is left as written',
    "30 warning: unknown action modifier 'bogus' is ignored (known: T<n>, HOST<n>, interrupt, ctrl-seq, no-newline)",
  ]);
});

test('katacoda: a pathway orders its courses; lint gives intro and finish as their own keys', async () => {
  writeTree(join(root, 'paths'), {
    'k-pathway.json': lines(
      '{',
      '  "title": "Path",',
      '  "courses": [',
      '    { "course_id": "kata", "title": "Kata" },',
      '    { "course_id": "gone" }',
      '  ]',
      '}',
    ),
  });
  const [course] = await discoverCourses(join(root, 'paths'));
  assert.ok(course);
  assert.equal(course.title, 'Path');
  assert.deepEqual(course.lessons, [{ id: 'k/kata', title: 'Kata' }, { id: 'k/gone' }]);
  assert.deepEqual(listed(course.problems, join(root, 'paths', 'k-pathway.json')), [
    `5 warning: course lists 'gone', but ${join(root, 'paths', 'k', 'gone')} holds no lesson`,
  ]);
  const reports = await lintLessons([join(root, 'paths')]);
  assert.deepEqual(
    reports.map((r) => [r.kind, r.id]),
    [
      ['lesson', 'k/kata'],
      ['course', 'k-pathway'],
    ],
  );
  const lesson = reports[0];
  assert.deepEqual(lesson?.intro, { title: 'Welcome', cells: [] });
  assert.deepEqual(lesson?.finish, { cells: [] });
  assert.deepEqual(
    lesson?.steps.map((s) => [s.title, s.cells.length, s.checks]),
    [
      ['First', 11, 1],
      ['Second step', 0, 0],
    ],
  );
});

// ---- the Killercoda dialect, inside a structure.json course

const KILLER = join(root, 'course', 'killer');

test('killercoda: background/foreground/verify, layouts, asset globs, port placeholders and courses', async () => {
  writeTree(join(root, 'course'), {
    'structure.json': lines(
      '{',
      '  "items": [',
      '    { "path": "killer", "title": "Killer" },',
      '    { "path": "gone" }',
      '  ]',
      '}',
    ),
    'killer/index.json': lines(
      '{', // 1
      '  "title": "Killer",',
      '  "details": {',
      '    "intro": { "text": "intro.md", "background": "intro-bg.sh", "foreground": "intro-fg.sh" },',
      '    "steps": [ { "title": "Only", "text": "step1/text.md", "verify": "step1/verify.sh", "background": "step1/bg.sh", "foreground": "step1/fg.sh" } ],', // 5
      '    "finish": { "text": "finish.md" },',
      '    "assets": { "host01": [ {"file": "*.yaml", "target": "/etc/app", "chmod": "+w"}, {"file": "nothing*", "target": "~"} ] }',
      '  },',
      '  "backend": { "imageid": "ubuntu" },',
      '  "interface": { "layout": "ide" }', // 10
      '}',
    ),
    'killer/intro.md': lines('Intro'),
    'killer/intro-bg.sh': 'true\n',
    'killer/step1/text.md': lines(
      'Open [Grafana]({{TRAFFIC_HOST1_3000}}) or [the other]({{TRAFFIC_HOST2_80}}) or [ports]({{TRAFFIC_SELECTOR}}).', // 1
      '',
      '```',
      'curl {{TRAFFIC_HOST1_80}}',
      '```{{exec}}', // 5
      '',
      '```plain',
      'not a cell',
      '```',
    ),
    'killer/step1/verify.sh': 'true\n',
    'killer/step1/bg.sh': 'true\n',
    'killer/step1/fg.sh': 'true\n',
    'killer/finish.md': lines('Done'),
    'killer/assets/a.yaml': 'a: 1\n',
    'killer/assets/b.yaml': 'b: 1\n',
    'killer/assets/c.txt': 'c\n',
  });
  const lesson = await loadLesson(KILLER);
  assert.equal(lesson.meta.layout, 'ide');
  assert.deepEqual(
    lesson.intro?.scripts.map((s) => [s.kind, s.exists]),
    [
      ['background', true],
      ['foreground', false],
    ],
  );
  const step = lesson.steps[0];
  assert.ok(step);
  assert.deepEqual(
    step.scripts.map((s) => s.kind),
    ['background', 'foreground', 'verify'],
  );
  assert.deepEqual(
    step.checks.map((c) => [c.kind, c.target]),
    [['script', 'step1/verify.sh']],
  );
  assert.deepEqual(
    stepCells(step).map((c) => c.command),
    ['curl /port/80/'],
  );
  assert.ok(
    prose(step.blocks).includes(
      'Open [Grafana](/port/3000/) or [the other](/port/80/) or [ports]({{TRAFFIC_SELECTOR}}).',
    ),
  );
  assert.deepEqual(lesson.assets, [
    { file: join(KILLER, 'assets', 'a.yaml'), target: '/etc/app/a.yaml', chmod: '+w' },
    { file: join(KILLER, 'assets', 'b.yaml'), target: '/etc/app/b.yaml', chmod: '+w' },
  ]);
  assert.deepEqual(listed(lesson.problems, join(KILLER, 'index.json')), [
    "4 warning: foreground script 'intro-fg.sh' is missing",
    "7 warning: asset target '/etc/app' is outside the learner's working directory; the local backend cannot place files there",
    "7 warning: asset 'nothing*' matches no file in assets/",
    "9 note: backend.imageid 'ubuntu' is kept for reference: stepwise runs lessons on its own backend",
    "10 warning: layout 'ide' is not supported: stepwise shows the lesson beside its terminals",
  ]);
  assert.deepEqual(listed(lesson.problems, join(KILLER, 'step1', 'text.md')), [
    '1 warning: a port on HOST2: stepwise gives each learner one host, so the link goes there',
    '1 warning: placeholder {{TRAFFIC_SELECTOR}} is Killercoda-specific and is left as written',
    '4 warning: a port placeholder inside code becomes the path /port/N/ on the stepwise server, not a full URL',
  ]);

  const [course] = await discoverCourses(join(root, 'course'));
  assert.deepEqual(course?.lessons, [{ id: 'killer', title: 'Killer' }, { id: 'gone' }]);
  assert.deepEqual(listed(course?.problems ?? [], join(root, 'course', 'structure.json')), [
    `4 warning: course lists 'gone', but ${join(root, 'course', 'gone')} holds no lesson`,
  ]);
  const lessons = await discoverLessons(join(root, 'course'));
  assert.deepEqual(
    lessons.map((l) => l.id),
    ['killer'],
  );
  assert.equal(lessonCells(lessons[0]!).length, 1);
});

// ---- error paths

test('katacoda errors: bad JSON, wrong types, missing text, paths out of the folder, no steps', async () => {
  writeTree(join(root, 'bad'), {
    'json/index.json': lines('{', '  "title": "x",', '  "details": {', '    "steps": []', '  },', '}'),
    'types/index.json': lines(
      '{', // 1
      '  "title": 5,',
      '  "details": {',
      '    "intro": { "text": 7 },',
      '    "steps": [', // 5
      '      { "title": "a", "text": "nope.md" },',
      '      { "title": "b", "text": "../escape.md", "verify": "../../v.sh" },',
      '      { "title": 3, "text": "c.md" }',
      '    ]',
      '  }', // 10
      '}',
    ),
    'types/c.md': lines('`ls`{{exec}}'),
    'nosteps/index.json': lines('{', '  "details": {', '    "steps": []', '  }', '}'),
    'nodetails/index.json': lines('{', '  "title": "x"', '}'),
    'stepsobject/index.json': lines('{', '  "details": {', '    "steps": {}', '  }', '}'),
  });
  const at = (name: string) => join(root, 'bad', name, 'index.json');
  const load = async (name: string) => listed((await loadLesson(join(root, 'bad', name))).problems, at(name));
  assert.deepEqual(await load('json'), ['6 error: bad JSON: Expected double-quoted property name']);
  assert.deepEqual(await load('types'), [
    "2 error: index.json: 'title': Invalid input: expected string, received number",
    "4 error: details: 'intro.text': Invalid input: expected string, received number",
    "4 warning: no 'text': this page has no markdown",
    "6 error: text file 'nope.md' is missing",
    "7 error: text '../escape.md' leads out of the lesson folder",
    "7 error: verify script '../../v.sh' leads out of the lesson folder",
    "8 error: details: 'steps[2].title': Invalid input: expected string, received number",
  ]);
  const types = await loadLesson(join(root, 'bad', 'types'));
  assert.deepEqual(
    types.steps.map((s) => [s.title, stepCells(s).length]),
    [
      ['a', 0],
      ['b', 0],
      ['Step 3', 1],
    ],
    'a bad field costs only itself',
  );
  assert.deepEqual(await load('nosteps'), ['2 error: details.steps is empty: a scenario needs at least one step']);
  assert.deepEqual(
    await load('nodetails'),
    ['1 note: no details: the scenario has no intro, steps or finish, so it shows only its title and description'],
    'valid on Killercoda (issue 12)',
  );
  assert.deepEqual(await load('stepsobject'), [
    "3 error: details: 'steps': Invalid input: expected array, received object",
  ]);
});
