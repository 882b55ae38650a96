// The rest of the learner's page in real Chromium against a real server: a busy terminal queues the next Run and
// Stop interrupts it; a T2 cell opens its own tab; port placeholders become links; a shell that exits says so
// and restarts; Reset starts a fresh environment; and the page works from the keyboard alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { writeTree } from './harness/lesson-tree.ts';
import {
  cellAt,
  launchBrowser,
  startStepwise,
  STEP_TIMEOUT_MS,
  terminalText,
  waitForTerminal,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';

const LESSON = `---
title: Workbench
description: Cells that queue, a second terminal, and a port link.
unlock: free
---

## Terminals

When the app runs, open {{TRAFFIC_HOST1_8080}} in a new tab.

\`\`\`bash
sleep 60; echo slept
\`\`\`

\`\`\`bash
echo second-cell-ran > marker.txt; cat marker.txt
\`\`\`

\`\`\`bash T2
echo "hello from T2"
\`\`\`
`;

let lessons: string;
let sw: Stepwise;
let browser: Browser;
let page: Page;

before(async () => {
  lessons = await mkdtemp(join(tmpdir(), 'stepwise-workbench-'));
  writeTree(lessons, { 'workbench/lesson.md': LESSON });
  sw = await startStepwise({ root: lessons, dockerHost: null });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(sw.server.url);
  await page.goto(`${sw.server.baseUrl}lesson/workbench#terminals`);
  await page.getByRole('heading', { name: 'Terminals' }).waitFor();
  await waitForTerminal(page, /stepwise:~[#$]/);
});

after(async () => {
  await browser?.close();
  await sw?.close();
  await rm(lessons, { recursive: true, force: true });
});

function cell(n: number) {
  return cellAt(page, n);
}

test('a Run on a busy terminal is queued, and Stop interrupts the running cell so the queue moves on', async () => {
  await cell(1).getByRole('button', { name: /^Run/ }).click();
  await cell(1)
    .getByText(/Running in T1/)
    .waitFor({ timeout: STEP_TIMEOUT_MS });
  await cell(2).getByRole('button', { name: /^Run/ }).click();
  await cell(2)
    .getByText(/Queued/)
    .waitFor({ timeout: STEP_TIMEOUT_MS });
  await cell(1).getByRole('button', { name: /^Stop/ }).click();
  await cell(1).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  // 130 = 128 + SIGINT: the shell reports the sleep as killed by the interrupt, not finished or failed otherwise.
  assert.equal(await cell(1).locator('.cell-exit').getAttribute('data-exit-code'), '130', 'the sleep was interrupted');
  await cell(2).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await cell(2).locator('.cell-exit').getAttribute('data-exit-code'), '0');
  assert.match(await cell(2).locator('.cell-output').innerText(), /second-cell-ran/);
});

test('a T2 cell opens the T2 tab and runs there', async () => {
  await cell(3).getByRole('button', { name: /^Run/ }).click();
  await page.getByRole('tab', { name: 'T2' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: 'T2' }).getAttribute('aria-selected'), 'true');
  await cell(3).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  await waitForTerminal(page, /hello from T2/, 2);
  assert.doesNotMatch(await terminalText(page, 1), /hello from T2/);
});

test('a port placeholder becomes a link to /port/N/ that opens in a new tab', async () => {
  const link = page.locator('.prose a[href="/port/8080/"]');
  assert.equal(await link.count(), 1);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match((await link.getAttribute('rel')) ?? '', /noopener/);
});

test('a shell that exits says so, and Restart gives a working shell again', async () => {
  await page.getByRole('tab', { name: 'T1' }).click();
  await page.locator('#panel-t1 .xterm').click();
  await page.keyboard.type('exit');
  await page.keyboard.press('Enter');
  const overlay = page.locator('#panel-t1 .terminal-overlay');
  await overlay.getByText(/The shell in T1 exited/).waitFor({ timeout: STEP_TIMEOUT_MS });
  await overlay.getByRole('button', { name: 'Restart shell' }).click();
  assert.equal(await overlay.isHidden(), true);
  await page.keyboard.type('echo "restarted-$((40+2))"');
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /restarted-42/);
});

test('Reset asks first, then gives a fresh environment and clears the cell results', async () => {
  await page.getByRole('button', { name: 'Reset' }).click();
  const dialog = page.getByRole('dialog', { name: /Reset this lesson/ });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await cell(2).locator('.cell-exit').count(), 1, 'Cancel changes nothing');
  await page.getByRole('button', { name: 'Reset' }).click();
  await dialog.getByRole('button', { name: 'Reset environment' }).click();
  await page.getByText('Fresh environment ready. The lesson setup ran again.').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await cell(2).locator('.cell-exit').count(), 0);
  await page.locator('#panel-t1 .xterm').click();
  await page.keyboard.type('ls marker.txt || echo "no-marker-here"');
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /^no-marker-here/m);
});

test('the page works from the keyboard alone: tabs, the divider, and Run', async () => {
  // Terminal tabs: arrow keys move between them.
  await page.getByRole('tab', { name: 'T1' }).click();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: 'T2' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await page.getByRole('tab', { name: 'Image explorer' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Home');
  assert.equal(await page.getByRole('tab', { name: 'T1' }).getAttribute('aria-selected'), 'true');

  // The divider between lesson and terminal moves with the arrow keys.
  const divider = page.getByRole('separator', { name: /Resize/ });
  await divider.focus();
  const before = Number(await divider.getAttribute('aria-valuenow'));
  await page.keyboard.press('ArrowRight');
  assert.ok(Number(await divider.getAttribute('aria-valuenow')) > before);

  // From the top of the page, Tab reaches the second cell's Run button; Enter runs it.
  await page.locator('#page-title').focus();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Run: command 2');
  }
  assert.ok(reached, 'Tab reaches Run of command 2');
  const visibleFocus = await page.evaluate(
    () =>
      getComputedStyle(document.activeElement!).boxShadow !== 'none' ||
      getComputedStyle(document.activeElement!).outlineStyle !== 'none',
  );
  assert.ok(visibleFocus, 'the focused control shows a focus ring');
  await page.keyboard.press('Enter');
  await cell(2).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await cell(2).locator('.cell-exit').getAttribute('data-exit-code'), '0');
  assert.deepEqual(browser.errors, []);
});
