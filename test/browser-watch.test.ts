// `stepwise serve --watch` for authors: editing a lesson's file reloads it in the open page, in place (same step,
// same terminal). Real Chromium, a real server with watch on, and a real file edit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from './harness/lesson-tree.ts';
import {
  launchBrowser,
  startStepwise,
  STEP_TIMEOUT_MS,
  typeInTerminal,
  waitForTerminal,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';

const lessonText = (sentence: string) => `---
title: Watched
unlock: free
---

## First

Intro step.

## Second

${sentence}

\`echo second-step\`
`;

let lessons: string;
let sw: Stepwise;
let browser: Browser;

before(async () => {
  lessons = await mkdtemp(join(tmpdir(), 'stepwise-watch-'));
  writeTree(lessons, { 'watched/lesson.md': lessonText('The first draft of this sentence.') });
  sw = await startStepwise({ root: lessons, dockerHost: null, watch: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sw?.close();
  await rm(lessons, { recursive: true, force: true });
});

test('an edited lesson reloads in the open page, on the same step, with the same shell', async () => {
  const page = await browser.newPage();
  await page.goto(sw.server.url);
  await page.goto(`${sw.server.baseUrl}lesson/watched#second`);
  await page.getByText('The first draft of this sentence.').waitFor();
  await waitForTerminal(page, /stepwise:~[#$]/);
  await typeInTerminal(page, 'echo "BEFORE-EDIT"');
  await waitForTerminal(page, /^BEFORE-EDIT/m);

  await writeFile(join(lessons, 'watched/lesson.md'), lessonText('The second draft, saved while the page was open.'));
  await page.getByText('The second draft, saved while the page was open.').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.getByText('The lesson changed on disk and was reloaded.').waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Second' }).count(), 1, 'still on the same step');
  await waitForTerminal(page, /^BEFORE-EDIT/m); // the terminal was not touched
  assert.deepEqual(browser.errors, []);
});
