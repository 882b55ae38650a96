// Katacoda/Killercoda lessons as their authors meant them: one fixture lesson per class of loader bug found on
// real scenarios (issue 12), each read back as cells, commands, titles, prose and warnings.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  discoverCourses,
  discoverLessons,
  lessonCells,
  lintLessons,
  loadLesson,
  stepCells,
} from '../server/lesson/index.ts';
import type { Lesson, Step } from '../server/lesson/index.ts';
import { REPO_ROOT } from './harness/cli.ts';
import { listed } from './harness/lesson-tree.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'lessons');

async function fixture(name: string): Promise<Lesson> {
  return loadLesson(join(FIXTURES, name));
}

function commands(step: Step | undefined): string[] {
  assert.ok(step, 'the step exists');
  return stepCells(step).map((c) => c.command);
}

function prose(step: Step | undefined): string[] {
  assert.ok(step, 'the step exists');
  return step.blocks.flatMap((b) => (b.type === 'prose' ? [b.markdown] : []));
}

function problemsOf(lesson: Lesson, page = 'step1.md'): string[] {
  return listed(lesson.problems, join(lesson.dir, page));
}

test('class 1: a marked inline span keeps its newlines (several commands, heredocs); blank end lines are trimmed', async () => {
  const lesson = await fixture('katacoda-span-newlines');
  const [step] = lesson.steps;
  assert.deepEqual(commands(step), [
    'mkdir demo\ncd demo',
    'cat <<EOF > greeting.txt\nhello\nEOF',
    'ls -l \\\n  demo',
    'echo one\necho two',
  ]);
  assert.deepEqual(
    stepCells(step!).map((c) => c.terminal),
    [1, 1, 2, 1],
  );
  assert.ok(prose(step).includes('In a sentence, [`echo one\necho two`](#cell/s1.c4) runs two commands.'));
  assert.deepEqual(lesson.problems, []);
});

test('class 2: a lone <br> line before a fence stays inline, and the fence is still a cell', async () => {
  const lesson = await fixture('katacoda-br-fence');
  const [step] = lesson.steps;
  assert.deepEqual(commands(step), ['docker build -t demo .', 'docker images']);
  assert.deepEqual(prose(step), ['Build the image.\n\n<br>', '<br/><span>Then list it:</span>']);
  assert.deepEqual(lesson.problems, []);
});

test('class 3: a stray marked fence line opens no fence, is reported, and the text after it stays prose', async () => {
  const lesson = await fixture('katacoda-stray-fence-mark');
  const [step] = lesson.steps;
  assert.deepEqual(commands(step), ['echo first', 'echo second']);
  assert.deepEqual(prose(step), ['First, this:', 'Then read this text, which must stay prose.']);
  assert.deepEqual(problemsOf(lesson), [
    '6 warning: a marked fence line with no open code block before it: ignored, so it cannot swallow the text after it',
  ]);
});

test('class 4: a closing fence with text after its mark still closes, and the dropped text is reported', async () => {
  const lesson = await fixture('katacoda-fence-trailing-text');
  const [step] = lesson.steps;
  assert.deepEqual(commands(step), ['echo first', 'echo second']);
  assert.deepEqual(prose(step), [
    'Run this:',
    'And this one, which the original marked for its sandbox:',
    'This text is prose, not part of a fence.',
  ]);
  assert.deepEqual(problemsOf(lesson), [
    "5 warning: text after the closing fence's action mark is dropped: '.'",
    "11 warning: text after the closing fence's action mark is dropped: '|skip{{sandbox}}'",
  ]);
});

test("class 5: an empty step title takes the page's leading heading, else Step N", async () => {
  const lesson = await fixture('katacoda-empty-title');
  assert.deepEqual(
    lesson.steps.map((s) => s.title),
    ['Start the server', 'Step 2', 'Named'],
  );
  assert.deepEqual(prose(lesson.steps[0]), ['Run it:'], 'the heading taken as the title is not shown twice');
  assert.deepEqual(prose(lesson.steps[2]), ['# A heading that stays'], 'a real title leaves the heading in the text');
  assert.deepEqual(lesson.problems, []);
});

test('class 6: marks inside an HTML block that documents the syntax are shown as written and make no cells', async () => {
  const lesson = await fixture('katacoda-marks-in-html');
  const [step] = lesson.steps;
  assert.deepEqual(commands(step), ['ls']);
  assert.deepEqual(prose(step), [
    'Katacoda marks look like this:\n\n<pre>\nWrite `ls`{{exec}} to make a Run button.\n```\nls\n```{{execute T2}}\n</pre>\n\nNow the real thing:',
  ]);
  assert.deepEqual(lesson.problems, []);
});

test('class 7: a port placeholder inside inline code is substituted and warned about, as inside a fence', async () => {
  const lesson = await fixture('katacoda-inline-placeholder');
  const [step] = lesson.steps;
  assert.deepEqual(prose(step), [
    'Open the [dashboard](/port/3000/).\n\nThen fetch `curl /port/8080/health` from your own machine.\n\nOr `/port/9090/` in code.',
  ]);
  const warning =
    'warning: a port placeholder inside code becomes the path /port/N/ on the stepwise server, not a full URL';
  assert.deepEqual(problemsOf(lesson), [`3 ${warning}`, `5 ${warning}`]);
});

// ---- courses, discovery, valid scenarios and lint --json

const COURSES = join(REPO_ROOT, 'test', 'fixtures', 'courses');

test('a pathway entry without course_id (a link, another pathway) is kept as a link and the pathway still loads', async () => {
  const courses = await discoverCourses(join(COURSES, 'pathways'));
  assert.equal(courses.length, 1);
  const [path] = courses;
  assert.equal(path?.title, 'A pathway');
  assert.equal(path?.description, 'Mixed entries');
  assert.deepEqual(path?.lessons, [{ id: 'path/basics', title: 'Basics' }]);
  assert.deepEqual(path?.links, [
    { title: 'Read more', url: 'https://example.com/more' },
    { title: 'Advanced pathway', pathway: 'advanced' },
  ]);
  assert.equal(path?.meta.pathway_id, 'path');
  assert.deepEqual(listed(path?.problems ?? [], join(COURSES, 'pathways', 'path-pathway.json')), [
    '7 note: this entry has no course_id: it names an external page (https://example.com/more), so it is kept as a link, not a lesson',
    "8 note: this entry has no course_id: it names another pathway ('advanced'), so it is kept as a link, not a lesson",
  ]);
});

test("structure.json's title and description name the course; a lesson nested in another lesson's folder is found", async () => {
  const root = join(COURSES, 'killercoda');
  const [course] = await discoverCourses(root);
  assert.equal(course?.title, 'Killercoda course');
  assert.equal(course?.description, 'Named by structure.json');
  assert.deepEqual(course?.problems, []);
  const lessons = await discoverLessons(root);
  assert.deepEqual(
    lessons.map((l) => l.id),
    ['second', 'first', 'second/extra/child'],
    "course order first, then the nested lesson; the parent lesson's notes.md is not a lesson",
  );
  assert.deepEqual(
    lessons.map((l) => lessonCells(l).map((c) => c.command)),
    [['echo second'], ['echo first'], ['echo child']],
  );
});

test('valid Killercoda scenarios are not errors: intro-only, no details, and type: jupyter says what it is', async () => {
  const reports = await lintLessons(
    ['killercoda-intro-only', 'killercoda-no-details', 'killercoda-jupyter'].map((n) => join(FIXTURES, n)),
  );
  for (const report of reports)
    assert.deepEqual(
      report.problems.filter((p) => p.severity === 'error'),
      [],
      report.id,
    );
  const [intro, none, jupyter] = reports;
  assert.deepEqual(intro?.intro, {
    title: 'Welcome',
    cells: [{ command: 'uname -a', kind: 'exec', terminal: 1, noNewline: false, runnable: true }],
  });
  assert.ok(intro?.problems.some((p) => p.message === 'an intro-only scenario: no steps, so nothing is checked'));
  assert.ok(none?.problems.some((p) => p.severity === 'note' && p.message.startsWith('no details:')));
  assert.deepEqual(
    jupyter?.problems.filter((p) => p.severity === 'warning').map((p) => `${p.line} ${p.message}`),
    [
      "4 a Killercoda Jupyter scenario (type: jupyter): it opens Killercoda's notebook server, which stepwise does not run; load its .ipynb file as a lesson instead",
    ],
  );
  assert.ok(!jupyter?.problems.some((p) => /details/.test(p.message)), 'no "details is missing"');
});

test('lint --json gives each cell its host, noNewline and runnable (and a file cell its file)', async () => {
  const [report] = await lintLessons([join(FIXTURES, 'katacoda-cell-fields')]);
  assert.deepEqual(JSON.parse(JSON.stringify(report?.steps[0]?.cells)), [
    { command: 'top', kind: 'exec', terminal: 1, noNewline: false, runnable: true, host: 2 },
    { command: 'partial', kind: 'exec', terminal: 1, noNewline: true, runnable: true },
    { command: 'a value', kind: 'copy', terminal: 1, noNewline: false, runnable: false },
    {
      command: '',
      kind: 'file',
      terminal: 1,
      noNewline: false,
      runnable: true,
      file: { path: 'app.txt', mode: 'open' },
    },
  ]);
  assert.ok(
    report?.problems.some(
      (p) =>
        p.line === 9 &&
        p.severity === 'warning' &&
        p.message.startsWith('action mark {{execute-sandbox}} after code is not one stepwise knows'),
    ),
    'an unknown action mark is reported, never silently shown',
  );
});
