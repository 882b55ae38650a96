// The class join page in real Chromium: a wrong code is announced on its field, a right one lets the learner in
// (their cookie then opens the lessons), and an instructor's broadcast appears on the learner's lesson page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, startStepwise, STEP_TIMEOUT_MS, type Browser, type Stepwise } from './harness/browser.ts';
import { postJson } from './harness/http-request.ts';
import { bash, lessonMarkdown } from './harness/terminal-server.ts';

let lessons: string;
let sw: Stepwise;
let browser: Browser;
let page: Page;

before(async () => {
  lessons = await mkdtemp(join(tmpdir(), 'stepwise-join-lessons-'));
  await mkdir(join(lessons, 'one'));
  await writeFile(join(lessons, 'one', 'lesson.md'), lessonMarkdown('First lesson', { Hello: bash('echo hello') }));
  sw = await startStepwise({ root: lessons, dockerHost: null, class: { name: 'Browser class', sharedHost: true } });
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await sw?.close();
  await rm(lessons, { recursive: true, force: true });
});

test('a learner joins at /join: errors are announced on their field; success leads to the lessons', async () => {
  await page.goto(`${sw.server.baseUrl}join`);
  await page.getByLabel('Class code').fill('ZZZZ-ZZZZ');
  await page.getByLabel('Your name').fill('Ana');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('alert').filter({ hasText: /not this class/i }).waitFor({ timeout: STEP_TIMEOUT_MS });
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
  while (!sw.server.sessions.all().some((s) => s.attached && s.owner !== null)) await new Promise((r) => setTimeout(r, 50));
  const sent = await postJson(`${sw.server.baseUrl}api/class/broadcast`, { message: 'Ten minutes left' }, { Cookie: `${sw.server.cookieName}=${sw.server.token}` });
  assert.deepEqual(JSON.parse(sent.body), { delivered: 1 });
  await page.getByText('From your instructor: Ten minutes left').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.deepEqual(browser.errors.filter((e) => !/40[13]/.test(e)), []);
});
