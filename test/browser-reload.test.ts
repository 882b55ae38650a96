// Issue 6, DoD 2: a reload restores the terminal screen, the same shell and the progress; after a server restart
// the progress is still there, and Catch up brings the fresh environment back to it. Real Chromium, a real server
// over the bundled tar-basics lesson, and a second real server over the same state folder for the restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './harness/cli.ts';
import {
  launchBrowser,
  runCell,
  startStepwise,
  STEP_TIMEOUT_MS,
  terminalText,
  typeInTerminal,
  waitForTerminal,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';

const LESSONS = join(REPO_ROOT, 'scenarios');
const STEP_1 = 'pack-a-folder-into-a-tar';

let stateDir: string;
let sw: Stepwise | null = null;
let browser: Browser;
let page: Page;
let shellPid = '';

before(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stepwise-reload-state-'));
  sw = await startStepwise({ root: LESSONS, dockerHost: null, stateDir });
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await sw?.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function check(): Promise<void> {
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator('.checks-summary').waitFor({ timeout: STEP_TIMEOUT_MS });
}

test('work in the lesson: a marker from the shell on screen, and step 1 complete', async () => {
  await page.goto(sw!.server.url);
  await page.goto(`${sw!.server.baseUrl}lesson/tar-basics#${STEP_1}`);
  await page.getByRole('heading', { name: 'Pack a folder into a tar' }).waitFor();
  await waitForTerminal(page, /stepwise:~[#$]/);
  await typeInTerminal(page, 'echo "SHELL-PID=$$"');
  const screen = await waitForTerminal(page, /SHELL-PID=\d+/);
  shellPid = /SHELL-PID=(\d+)/.exec(screen)![1]!;
  for (const n of [1, 2, 3]) await runCell(page, n);
  await check();
  await page.locator('.progress-text', { hasText: '1 of 5 steps' }).waitFor();
});

test('a reload restores the screen, reattaches the same shell, and keeps the progress', async () => {
  await page.reload();
  await page.getByRole('heading', { name: 'Pack a folder into a tar' }).waitFor();
  // The restored screen (the server's snapshot) still shows the earlier marker and output.
  const restored = await waitForTerminal(page, new RegExp(`SHELL-PID=${shellPid}`));
  assert.match(restored, /project\.tar/);
  // The same shell answers: $$ is unchanged.
  await typeInTerminal(page, 'echo "AGAIN-PID=$$"');
  await waitForTerminal(page, new RegExp(`AGAIN-PID=${shellPid}\\b`));
  await page.locator('.progress-text', { hasText: '1 of 5 steps' }).waitFor();
  assert.equal(await page.locator('.stop-done').count(), 1, 'step 1 shows as done in the outline');
  assert.equal(
    await page.locator('.banner-catch-up, .btn-catch-up').count(),
    0,
    'no Catch up offer: this is the same environment',
  );
});

test('after a server restart the progress is kept, and Catch up brings the environment back to it', async () => {
  await sw!.close(); // stops the server and ends its sessions; stateDir (progress.json) stays
  sw = await startStepwise({ root: LESSONS, dockerHost: null, stateDir });
  await page.goto(sw.server.url); // a new server: a new token and port, so a new cookie
  const card = page.locator('.lesson-card', { hasText: 'Tar basics' });
  await card.waitFor();
  assert.match(await card.innerText(), /1 of 5 steps done/);
  await card.getByRole('link', { name: 'Tar basics' }).click();
  // Progress says step 2 is next, so that is where the page opens, with the offer to catch up.
  await page.getByRole('heading', { name: 'Look inside without unpacking' }).waitFor();
  const catchUp = page.getByRole('button', { name: /^Catch up/ });
  await catchUp.waitFor();
  assert.doesNotMatch(await terminalText(page), /SHELL-PID/, 'the new environment has a new shell');

  await catchUp.click();
  await page.getByText('Caught up: your environment matches your progress.').waitFor({ timeout: STEP_TIMEOUT_MS * 2 });
  assert.equal(await catchUp.count(), 0, 'the offer is gone once done');
  await waitForTerminal(page, /tar -cvf project\.tar project/);

  // The proof: step 1's check passes again in the new environment.
  await page.locator('.stop-done .stop-dot').first().click();
  await page.getByRole('heading', { name: 'Pack a folder into a tar' }).waitFor();
  await check();
  assert.match((await page.locator('.check-result').first().getAttribute('class')) ?? '', /\bpass\b/);
  // While the old server was down the page kept trying to reconnect; Chromium logs each refused try.
  const unexpected = browser.errors.filter(
    (e) => !/WebSocket connection to .* failed: .*ERR_CONNECTION_REFUSED/.test(e),
  );
  assert.deepEqual(unexpected, []);
});
