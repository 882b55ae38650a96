// Issue 12 in real Chromium: a file cell's Write file button writes into the learner's environment, and
// "Download as notebook" saves the session so far as nbformat 4.5 (bash kernel, cell ids, outputs in run order,
// exit codes and durations, check results), which loads back as the same lesson.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { loadLesson } from '../server/lesson/index.ts';
import { NOTEBOOK_CELL_ID, notebookSchema, sourceText, stepwiseCellMetaSchema } from '../server/protocol/index.ts';
import { lessonShape } from './harness/lesson-shape.ts';
import { REPO_ROOT } from './harness/cli.ts';
import {
  cellAt,
  launchBrowser,
  runCell,
  screenshot,
  startStepwise,
  STEP_TIMEOUT_MS,
  waitForTerminal,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';

const LESSONS = join(REPO_ROOT, 'test', 'fixtures', 'lessons');
const LESSON_ID = 'notebook-roundtrip';

let sw: Stepwise;
let browser: Browser;
let page: Page;

before(async () => {
  sw = await startStepwise({ root: LESSONS, dockerHost: null });
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await sw?.close();
});

test('Write file puts a file cell into the environment; the next cell reads it; Check passes', async () => {
  await page.goto(sw.server.url); // the printed URL carries the access token; it leaves a cookie
  await page.goto(`${new URL(sw.server.url).origin}/lesson/${LESSON_ID}#write-a-file`);
  await page.getByRole('heading', { name: 'Write a file' }).waitFor();
  await waitForTerminal(page, /stepwise:~[#$]/);
  const fileCell = cellAt(page, 1);
  assert.equal(await fileCell.locator('.cell-file-path').innerText(), 'conf/app.txt');
  await fileCell.getByRole('button', { name: /^Write file/ }).click();
  await fileCell.locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await fileCell.locator('.cell-exit').getAttribute('data-exit-code'), '0');
  assert.match(await fileCell.locator('.cell-output').innerText(), /wrote 10 bytes as 'conf\/app.txt'/);
  await runCell(page, 2);
  assert.match(await cellAt(page, 2).locator('.cell-output').innerText(), /mode=demo/);
  await page.getByRole('button', { name: /^Check$/ }).click();
  await page.locator('.checks-summary.pass').waitFor({ timeout: STEP_TIMEOUT_MS });
  await screenshot(page, 'lesson-file-cell');
});

test('Download as notebook saves nbformat 4.5 with the runs in order, and it loads back as the same lesson', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download as notebook' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'notebook-roundtrip.ipynb');
  const path = await download.path();
  const text = await readFile(path, 'utf8');
  const notebook = notebookSchema.parse(JSON.parse(text));
  assert.equal(notebook.nbformat, 4);
  assert.equal(notebook.nbformat_minor, 5);
  assert.equal(notebook.metadata.kernelspec?.name, 'bash');
  assert.ok(notebook.cells.every((c) => c.id !== undefined && NOTEBOOK_CELL_ID.test(c.id)));
  const code = notebook.cells.flatMap((c) => (c.cell_type === 'code' ? [c] : []));
  assert.deepEqual(
    code.map((c) => c.execution_count),
    [1, 2, null, null, null, null],
    'the two cells run, in run order',
  );
  const ran = code.slice(0, 2).map((c) => stepwiseCellMetaSchema.parse(c.metadata.stepwise));
  assert.deepEqual(
    ran.map((m) => [m.cellId, m.exitCode]),
    [
      ['s1.c1', 0],
      ['s1.c2', 0],
    ],
  );
  assert.ok(ran.every((m) => typeof m.durationMs === 'number'));
  assert.deepEqual(
    code[1]?.outputs.map((o) => (o.output_type === 'stream' ? sourceText(o.text) : '')),
    ['mode=demo'],
  );
  const checks = notebook.cells.filter(
    (c) => c.cell_type === 'markdown' && sourceText(c.source).startsWith('**Check:'),
  );
  assert.deepEqual(
    checks.map((c) => sourceText(c.source).split('\n')[0]),
    ['**Check: passed**'],
  );

  // The downloaded file is a lesson: the same steps and cells as the one served.
  const back = await loadLesson(path.endsWith('.ipynb') ? path : await copyAsNotebook(path, text));
  assert.deepEqual(lessonShape(back), lessonShape(await loadLesson(join(LESSONS, LESSON_ID))));
  assert.deepEqual(browser.errors, []);
});

/** Playwright keeps downloads under a random name; the loader knows a notebook by its .ipynb suffix. */
async function copyAsNotebook(path: string, text: string): Promise<string> {
  const target = `${path}.ipynb`;
  await writeFile(target, text);
  return target;
}
