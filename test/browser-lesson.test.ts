// Issue 6, DoD 1 (and the lesson-page screenshot of DoD 5): in real Chromium against a real server over the
// bundled tar-basics lesson, Run shows output in the terminal and under the cell with its exit code; Check
// passes and opens the next step; a wrong command followed by Check shows the hint. Also: Shift+Enter runs the
// focused cell and moves on, Copy puts the command on the clipboard, and the theme toggle switches to dark.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

let sw: Stepwise;
let browser: Browser;
let page: Page;

before(async () => {
  sw = await startStepwise({ root: join(REPO_ROOT, 'scenarios'), dockerHost: null });
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await sw?.close();
});

function cell(n: number) {
  return cellAt(page, n);
}

test('the lesson list leads to tar-basics, whose first step is open and the rest locked', async () => {
  await page.goto(sw.server.url);
  const card = page.locator('.lesson-card', { hasText: 'Tar basics' });
  await card.waitFor();
  assert.match(await card.innerText(), /10 minutes[\s\S]*beginner[\s\S]*5 steps[\s\S]*Not started/);
  // This server has no Docker engine: the Docker lesson says so on its card.
  const dockerCard = page.locator('.lesson-card', { hasText: 'What is a Container Image?' });
  assert.match(await dockerCard.innerText(), /Needs Docker[\s\S]*Docker is not available on this host\./);
  await screenshot(page, 'lesson-list');
  await card.getByRole('link', { name: 'Tar basics' }).click();
  await page.getByRole('heading', { name: 'Introduction' }).waitFor();
  await page.getByRole('button', { name: /Next\s*Pack a folder into a tar/ }).click();
  await page.getByRole('heading', { name: 'Pack a folder into a tar' }).waitFor();
  assert.equal(new URL(page.url()).hash, '#pack-a-folder-into-a-tar');
  assert.ok(
    await page.getByRole('button', { name: /Next\s*Look inside without unpacking/ }).isDisabled(),
    'step 2 is locked before step 1 passes',
  );
  await waitForTerminal(page, /stepwise:~[#$]/);
});

test('Run types the cell into the terminal and shows its output and exit 0 under the cell', async () => {
  await runCell(page, 1);
  const output = await cell(1).locator('.cell-output').innerText();
  assert.match(output, /README\.md/);
  assert.match(output, /-rwxr-xr-x .*hello\.sh/);
  assert.equal(await cell(1).locator('.cell-exit').getAttribute('data-exit-code'), '0');
  assert.match(await cell(1).locator('.cell-exit').innerText(), /Exit 0/);
  const screen = await waitForTerminal(page, /hello\.sh/);
  assert.match(screen, /mkdir -p project\/src/, 'the command was typed into the terminal');
  assert.match(screen, /-rwxr-xr-x .*hello\.sh/, 'its output is on the terminal screen');
});

test('Copy puts the exact command on the clipboard', async () => {
  await cell(2).getByRole('button', { name: /^Copy/ }).click();
  await cell(2).getByText('Copied').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'tar -cvf project.tar project');
});

test('Check passes once the archive exists, and opens the next step', async () => {
  await runCell(page, 2);
  await runCell(page, 3);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const result = page.locator('.check-result').first();
  await result.waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.match((await result.getAttribute('class')) ?? '', /\bpass\b/);
  await page.getByText('Step complete. The next step is open.').waitFor();
  await page.locator('.progress-text', { hasText: '1 of 5 steps' }).waitFor();
  const next = page.getByRole('button', { name: /Next\s*Look inside without unpacking/ }).last();
  assert.ok(await next.isEnabled());
  await page.locator('.checks').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'lesson-page');
  await next.click();
  await page.getByRole('heading', { name: 'Look inside without unpacking' }).waitFor();
});

test('Shift+Enter runs the focused cell and moves focus to the next one', async () => {
  await cell(1).focus();
  await page.keyboard.press('Shift+Enter');
  await cell(1).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.match(await cell(1).locator('.cell-output').innerText(), /project\/src\/hello\.sh/);
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-cell-id'));
  assert.equal(focused, await cell(2).getAttribute('data-cell-id'));
});

test('a wrong command, then Check, shows what was expected, what was seen, and the hint', async () => {
  // The step wants the long listing (tar -tvf); the last command run was the plain one (tar -tf).
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const failed = page.locator('.check-result.fail');
  await failed.waitFor({ timeout: STEP_TIMEOUT_MS });
  const text = await failed.innerText();
  assert.match(text, /Expected/);
  assert.match(text, /Seen/);
  assert.match(
    await failed.locator('.check-hint').innerText(),
    /List the archive with its details using tar -tvf project\.tar/,
  );
  assert.ok(
    await page.getByRole('button', { name: /Next\s*Compress it/ }).isDisabled(),
    'a failed check keeps the next step locked',
  );
  await screenshot(page, 'lesson-check-failed');

  await cell(2).getByRole('button', { name: /^Run/ }).click();
  await cell(2).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByText('Step complete. The next step is open.').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.locator('.progress-text', { hasText: '2 of 5 steps' }).waitFor();
});

test('a lesson whose needs this host cannot meet says so on its page', async () => {
  await page.goto(`${sw.server.baseUrl}lesson/container-images#container-image`);
  await page.getByRole('heading', { name: 'Container Image', exact: true }).waitFor();
  const note = page.locator('.banner-warn');
  await note.waitFor();
  assert.match(await note.innerText(), /This lesson needs Docker, which this host does not have/);
  await page.goto(`${sw.server.baseUrl}lesson/tar-basics#compress-it`);
  await page.getByRole('heading', { name: 'Compress it' }).waitFor();
  assert.equal(await page.locator('.banner-warn').count(), 0);
});

test('the dark theme is one click away, and nothing on the page logged an error', async () => {
  const toggle = page.getByRole('button', { name: 'Switch to the dark theme' });
  await toggle.click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset['theme']), 'dark');
  await runCell(page, 1);
  await screenshot(page, 'lesson-page-dark');
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset['theme']), 'light');
  assert.deepEqual(browser.errors, []);
});
