// A class in real Chromium: the join page (a wrong code is announced on its field, a right one lets the learner
// in), an instructor's broadcast on the learner's lesson page, and the instructor's live grid showing the
// learner online and their step passed. The instructor has a browser of their own (cookies are per browser).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  launchBrowser,
  runCell,
  screenshot,
  startStepwise,
  STEP_TIMEOUT_MS,
  terminalText,
  typeInTerminal,
  waitForTerminal,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';
import { postJson } from './harness/http-request.ts';
import { bash, lessonMarkdown } from './harness/terminal-server.ts';

let lessons: string;
let sw: Stepwise;
let browser: Browser;
let page: Page;
let instructorBrowser: Browser | null = null;
let grid: Page | null = null;

before(async () => {
  lessons = await mkdtemp(join(tmpdir(), 'stepwise-join-lessons-'));
  await mkdir(join(lessons, 'one'));
  await writeFile(
    join(lessons, 'one', 'lesson.md'),
    lessonMarkdown('First lesson', {
      Hello: `${bash('echo hello > hello.txt')}\n\`\`\`check\n- file: hello.txt\n  contains: hello\n\`\`\`\n`,
      Bye: bash('echo bye'),
    }),
  );
  sw = await startStepwise({ root: lessons, dockerHost: null, class: { name: 'Browser class', sharedHost: true } });
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await instructorBrowser?.close();
  await browser?.close();
  await sw?.close();
  await rm(lessons, { recursive: true, force: true });
});

test('a learner joins at /join: errors are announced on their field; success leads to the lessons', async () => {
  await page.goto(`${sw.server.baseUrl}join`);
  await page.getByLabel('Class code').fill('ZZZZ-ZZZZ');
  await page.getByLabel('Your name').fill('Ana');
  await page.getByRole('button', { name: 'Join' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /not this class/i })
    .waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await page.getByLabel('Class code').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'class-join-error');

  await page.getByLabel('Class code').fill(sw.server.classroom?.code.toLowerCase() ?? '');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('heading', { name: 'Welcome, Ana' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.match((await page.getByTestId('rejoin-link').getAttribute('href')) ?? '', /\/rejoin\?key=/);
  await screenshot(page, 'class-join');
  await page.getByRole('link', { name: 'Go to the lessons' }).click();
  await page.getByRole('heading', { name: 'First lesson' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.getByRole('link', { name: 'First lesson' }).click();
  await page.locator('.xterm').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  // The broadcast goes to learners' open sessions: wait until the page's session is attached.
  while (!sw.server.sessions.all().some((s) => s.attached && s.owner !== null))
    await new Promise((r) => setTimeout(r, 50));
  const sent = await postJson(
    `${sw.server.baseUrl}api/class/broadcast`,
    { message: 'Ten minutes left' },
    { Cookie: `${sw.server.cookieName}=${sw.server.token}` },
  );
  assert.deepEqual(JSON.parse(sent.body), { delivered: 1 });
  await page.getByText('From your instructor: Ten minutes left').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.deepEqual(
    browser.errors.filter((e) => !/40[13]/.test(e)),
    [],
  );
});

test("the instructor's grid shows the learner online, and their step passed once they check it", async () => {
  instructorBrowser = await launchBrowser();
  grid = await instructorBrowser.newPage();
  await grid.goto(`${sw.server.baseUrl}instructor?token=${sw.server.token}`);
  await grid
    .getByTestId('class-code')
    .filter({ hasText: sw.server.classroom?.code ?? '' })
    .waitFor({ timeout: STEP_TIMEOUT_MS });
  const row = grid.locator('tr', { has: grid.getByRole('rowheader', { name: /Ana/ }) });
  await row.getByText('(online)').waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  assert.equal(await row.locator('td.step-cell').first().getAttribute('data-status'), 'open');

  await runCell(page, 1);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await row.locator('td[data-status="passed"]').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.match((await row.locator('td.step-cell').first().getAttribute('title')) ?? '', /hello: passed, 1 attempt/);
  await screenshot(grid, 'class-grid');

  // A learner who opens /instructor gets 403 (the page's own GET).
  const refused = await page.goto(`${sw.server.baseUrl}instructor`);
  assert.equal(refused?.status(), 403);
  assert.deepEqual(instructorBrowser.errors, []);
});

test("the instructor watches a learner's terminal live; keys typed there say read-only and never reach it", async () => {
  assert.ok(grid && instructorBrowser, 'the grid test ran first');
  await page.goto(sw.server.baseUrl);
  await page.getByRole('link', { name: 'First lesson' }).click();
  await page.locator('#panel-t1 .xterm').waitFor({ timeout: STEP_TIMEOUT_MS });

  await grid.getByRole('button', { name: 'Watch Ana' }).click();
  const panel = grid.getByRole('region', { name: 'Watching Ana' });
  await panel.getByText(/^Live:/).waitFor({ timeout: STEP_TIMEOUT_MS });
  await typeInTerminal(page, 'echo "watched-$((6 * 7))"');
  await waitForTerminal(page, /watched-42/);
  await panel.locator('.xterm-rows').filter({ hasText: 'watched-42' }).waitFor({ timeout: STEP_TIMEOUT_MS });

  await panel.locator('.xterm').click();
  await grid.keyboard.type('echo INSTRUCTOR-KEYS > keys.txt');
  await grid.keyboard.press('Enter');
  await panel.getByText(/Read-only: keys typed here are not sent to Ana/).waitFor({ timeout: STEP_TIMEOUT_MS });
  await screenshot(grid, 'class-watch');
  // After the instructor's keys, a round trip through Ana's shell: had they reached it, they would have run first.
  await typeInTerminal(page, 'test -e keys.txt; echo "keys-file=$?"');
  await waitForTerminal(page, /keys-file=1/);
  assert.doesNotMatch(await terminalText(page), /INSTRUCTOR-KEYS/);
  await panel.locator('.xterm-rows').filter({ hasText: 'keys-file=1' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  // The grid's row says where Ana is and for how long.
  const row = grid.locator('tr', { has: grid.getByRole('rowheader', { name: /Ana/ }) });
  assert.match(await row.locator('td.on-step').innerText(), /one 2 · <1 min/);
  await grid.getByRole('button', { name: 'Stop watching' }).click();
  await panel.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  assert.deepEqual(instructorBrowser.errors, []);
});
