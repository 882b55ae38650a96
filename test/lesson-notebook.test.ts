// Jupyter notebooks in and out: .ipynb files load as lessons, `stepwise check --ipynb` writes a run as an
// nbformat 4.5 notebook, and loading that notebook gives back the lesson's steps and cells (the round trip).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lessonCells, loadLesson, stepCells } from '../server/lesson/index.ts';
import { NOTEBOOK_CELL_ID, notebookSchema, sourceText, stepwiseCellMetaSchema } from '../server/protocol/index.ts';
import { lessonShape } from './harness/lesson-shape.ts';
import { REPO_ROOT, runCli } from './harness/cli.ts';
import { listed } from './harness/lesson-tree.ts';

const NOTEBOOKS = join(REPO_ROOT, 'test', 'fixtures', 'notebooks');
const ROUND_TRIP = join(REPO_ROOT, 'test', 'fixtures', 'lessons', 'notebook-roundtrip');
const scratch = mkdtempSync(join(tmpdir(), 'stepwise-notebook-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('a bash notebook loads: # title, ## steps, code cells runnable, a ```check block in a markdown cell checks its step', async () => {
  const lesson = await loadLesson(join(NOTEBOOKS, 'bash-kernel.ipynb'));
  assert.equal(lesson.format, 'jupyter');
  assert.equal(lesson.id, 'bash-kernel.ipynb');
  assert.equal(lesson.title, 'Files in a notebook');
  assert.deepEqual(
    lesson.steps.map((s) => s.title),
    ['Make a file', 'Count it'],
  );
  assert.deepEqual(
    lesson.steps.map((s) => stepCells(s).map((c) => [c.id, c.command, c.runnable])),
    [
      [['s1.c1', 'echo hello > greeting.txt\ncat greeting.txt', true]],
      [
        ['s2.c1', 'wc -c greeting.txt', true],
        ['s2.c2', 'ls -l', true],
      ],
    ],
  );
  assert.deepEqual(
    lesson.steps[0]?.checks.map((c) => [c.kind, c.target, c.hint]),
    [['file', 'greeting.txt', 'Run the cell above.']],
  );
  assert.deepEqual(
    lesson.problems.filter((p) => p.severity !== 'note'),
    [],
  );
});

test('another kernel: %%bash cells run, the rest are shown and noted; raw cells give checks', async () => {
  const lesson = await loadLesson(join(NOTEBOOKS, 'python-kernel.ipynb'));
  assert.equal(lesson.title, 'Python with some shell');
  const cells = lessonCells(lesson).map((c) => [c.command, c.runnable]);
  assert.deepEqual(cells, [
    ['mkdir -p out\necho ok > out/flag', true],
    ["print('hello')", false],
  ]);
  assert.deepEqual(
    lesson.steps[0]?.checks.map((c) => [c.kind, c.target]),
    [['file', 'out/flag']],
  );
  assert.deepEqual(listed(lesson.problems, join(NOTEBOOKS, 'python-kernel.ipynb')), [
    "4 note: the notebook's kernel is python3, not bash: only code cells that start with %%bash run",
    "35 note: a code cell for the notebook's own kernel: shown, not run (start it with %%bash to run it)",
    '49 note: a raw cell without a ```check block is not shown',
  ]);
});

test('a notebook that is not nbformat 4 is an error that names what is wrong', async () => {
  const lesson = await loadLesson(join(NOTEBOOKS, 'broken.ipynb'));
  assert.deepEqual(lesson.steps, []);
  assert.deepEqual(
    lesson.problems.map((p) => p.message),
    [
      "notebook: 'nbformat': Invalid input: expected 4",
      "notebook: missing required field 'nbformat_minor'",
      "notebook: 'cells': Invalid input: expected array, received string",
    ],
  );
});

test('stepwise check --ipynb writes nbformat 4.5 with outputs, run order, exit codes and check results; it loads back the same', async () => {
  const file = join(scratch, 'run.ipynb');
  const result = await runCli(['check', '--ipynb', file, ROUND_TRIP], {
    env: { XDG_STATE_HOME: join(scratch, 'state') },
  });
  assert.equal(result.code, 0, result.stderr);
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const notebook = notebookSchema.parse(raw);
  assert.equal(notebook.nbformat, 4);
  assert.equal(notebook.nbformat_minor, 5);
  assert.deepEqual(notebook.metadata.kernelspec, { name: 'bash', display_name: 'Bash', language: 'bash' });
  const ids = notebook.cells.map((c) => c.id ?? '');
  assert.ok(
    ids.every((id) => NOTEBOOK_CELL_ID.test(id)),
    'every cell has an nbformat 4.5 id',
  );
  assert.equal(new Set(ids).size, ids.length, 'cell ids are unique');

  const code = notebook.cells.flatMap((c) => (c.cell_type === 'code' ? [c] : []));
  const meta = code.map((c) => stepwiseCellMetaSchema.parse(c.metadata.stepwise));
  assert.deepEqual(
    code.map((c) => c.execution_count),
    [1, 2, 3, 4, 5, null],
    'run order; the norun cell never ran',
  );
  assert.deepEqual(
    meta.map((m) => m.exitCode),
    [0, 0, 0, 0, 3, undefined],
  );
  assert.ok(meta.slice(0, 5).every((m) => typeof m.durationMs === 'number' && m.durationMs >= 0));
  assert.deepEqual(code[1]?.outputs, [{ output_type: 'stream', name: 'stdout', text: ['mode=demo'] }]);
  assert.deepEqual(code[4]?.outputs, [{ output_type: 'stream', name: 'stdout', text: ['failing on purpose'] }]);
  const checks = notebook.cells.filter(
    (c) => c.cell_type === 'markdown' && sourceText(c.source).startsWith('**Check:'),
  );
  assert.deepEqual(
    checks.map((c) => sourceText(c.source).split('\n')[0]),
    ['**Check: passed**', '**Check: passed**'],
  );
  assert.match(sourceText(checks[0]?.source ?? ''), /✓ file `conf\/app.txt`/);

  const original = await loadLesson(ROUND_TRIP);
  const back = await loadLesson(file);
  assert.equal(back.title, original.title);
  assert.equal(back.description, original.description);
  assert.deepEqual(lessonShape(back), lessonShape(original));
  assert.deepEqual(
    back.intro?.blocks.map((b) => (b.type === 'prose' ? b.markdown : '')),
    ['Some words before the first step.'],
  );
});

test('--ipynb takes one lesson', async () => {
  const result = await runCli(
    ['check', '--ipynb', join(scratch, 'x.ipynb'), ROUND_TRIP, join(NOTEBOOKS, 'bash-kernel.ipynb')],
    {
      env: { XDG_STATE_HOME: join(scratch, 'state') },
    },
  );
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--ipynb .*x\.ipynb: a notebook holds one lesson, and 2 were given/);
});
