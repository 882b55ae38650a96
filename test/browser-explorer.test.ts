// Issue 6, DoD 4 (and the explorer screenshot of DoD 5): the image explorer, in real Chromium against a real
// server whose sessions use the test harness's Docker engine, opened on an image built in this test, shows its
// layers with the commands from history, and the file a RUN added in the layer that added it; a file the next RUN
// deleted shows as removed by that layer's whiteout. Read both as docker://NAME and as a `docker save` archive in
// the learner's working directory (through the session backend).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './harness/cli.ts';
import { DOCKER_CLI_TIMEOUT_MS, dockerCli } from './harness/docker-cli.ts';
import { requireDockerHost } from './harness/env.ts';
import {
  launchBrowser,
  runCell,
  screenshot,
  startStepwise,
  waitForTerminal,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';

const IMAGE = `stepwise-explorer-test-${process.pid}:v1`;
const DOCKERFILE = [
  'FROM busybox',
  'RUN mkdir /data && echo old > /data/old.txt',
  'RUN echo "hello from a RUN" > /added-by-run.txt && rm /data/old.txt',
].join('\n');

let host: string;
let context: string;
let sw: Stepwise;
let browser: Browser;
let page: Page;

function docker(args: string[], input?: string): string {
  return dockerCli(host, args, input);
}

before(async () => {
  host = requireDockerHost();
  context = mkdtempSync(join(tmpdir(), 'stepwise-explorer-build-'));
  docker(['build', '--rm', '--force-rm', '-t', IMAGE, '-f', '-', context], DOCKERFILE);
  sw = await startStepwise({ root: join(REPO_ROOT, 'scenarios'), dockerHost: host });
  browser = await launchBrowser();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await sw?.close();
  if (host) {
    try {
      docker(['rmi', '-f', IMAGE]);
    } catch (e: unknown) {
      process.stderr.write(`explorer test cleanup: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  if (context) rmSync(context, { recursive: true, force: true });
});

async function inspectSource(source: string): Promise<void> {
  await page.getByRole('tab', { name: 'Image explorer' }).click();
  const field = page.getByLabel('Image archive path or docker:// name');
  await field.fill(source);
  await field.press('Enter');
  await page.locator('.explorer-head, .explorer-error').first().waitFor({ timeout: DOCKER_CLI_TIMEOUT_MS });
}

/** Checks what the explorer shows for the built image, however it was read. */
async function assertBuiltImageShown(): Promise<void> {
  const rows = page.locator('.layer-row');
  assert.equal(await rows.count(), 3, 'the busybox base layer and one per RUN');
  const l3 = rows.nth(2);
  assert.match(await l3.innerText(), /RUN echo "hello from a RUN" > \/added-by-run\.txt && rm \/data\/old\.txt/);
  assert.match(await rows.nth(1).innerText(), /RUN mkdir \/data && echo old > \/data\/old\.txt/);

  const added = page.locator('.tree-row[data-path="/added-by-run.txt"]');
  await added.waitFor();
  assert.equal(await added.getAttribute('data-layer'), '2');
  assert.equal(await added.locator('.layer-chip').innerText(), 'L3');
  assert.equal(
    await page.locator('.tree-row[data-path="/bin/"]').getAttribute('data-layer'),
    '0',
    'busybox’s /bin/ comes from the base layer',
  );

  // The deleted file is a ghost, removed by L3's whiteout.
  const data = page.locator('.tree-row[data-path="/data/"]');
  if ((await data.getAttribute('aria-expanded')) === 'false') await data.click();
  const ghost = page.locator('.tree-row[data-path="/data/old.txt"]');
  await ghost.waitFor();
  assert.match((await ghost.getAttribute('class')) ?? '', /\bis-whiteout\b/);
  assert.match(await ghost.innerText(), /removed in L3/);

  // Selecting L3 highlights what it wrote; its change list names the added and the removed file.
  await l3.click();
  assert.equal(await l3.getAttribute('aria-pressed'), 'true');
  assert.match((await added.getAttribute('class')) ?? '', /\bis-highlight\b/);
  await page.getByRole('button', { name: 'Layer changes' }).click();
  assert.match(await page.locator('.change-added').innerText(), /\/added-by-run\.txt/);
  assert.match(await page.locator('.change-removed').innerText(), /\/data\/old\.txt/);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
}

test('docker://NAME: the layers with their commands, and the RUN’s file in the layer that added it', async () => {
  await page.goto(sw.server.url);
  await page.goto(`${sw.server.baseUrl}lesson/tar-basics#pack-a-folder-into-a-tar`);
  await waitForTerminal(page, /stepwise:~[#$]/);
  await inspectSource(`docker://${IMAGE}`);
  assert.match(await page.locator('.explorer-head').innerText(), /docker-engine[\s\S]*verified/);
  assert.match(await page.locator('.image-tags').innerText(), new RegExp(IMAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await assertBuiltImageShown();
  assert.equal(
    await page.locator('.layer-row').nth(2).getAttribute('aria-pressed'),
    'true',
    'L3 stays selected for the picture',
  );
  await page.locator('.explorer').evaluate((el) => el.scrollTo({ top: 0 }));
  await screenshot(page, 'image-explorer');
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  await screenshot(page, 'image-explorer-dark');
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
});

test('a docker save archive in the working directory reads the same through the session backend', async () => {
  await page.getByRole('tab', { name: 'T1' }).click();
  await page.locator('#panel-t1 .xterm').click();
  await page.keyboard.type(`docker save -o built-image.tar ${IMAGE} && echo SAVED-OK`);
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /^SAVED-OK/m, 1, DOCKER_CLI_TIMEOUT_MS);
  await inspectSource('built-image.tar');
  assert.match(
    await page.locator('.explorer-head').innerText(),
    /built-image\.tar[\s\S]*docker-archive[\s\S]*verified/,
  );
  await assertBuiltImageShown();
});

test('an image check that inspected an archive opens it in the explorer', async () => {
  await page.goto(`${sw.server.baseUrl}lesson/container-images#container-image`);
  await page.getByRole('heading', { name: 'Container Image', exact: true }).waitFor();
  await waitForTerminal(page, /stepwise:~[#$]/);
  await runCell(page, 1); // docker pull redis:3.2.11-alpine (the harness's stand-in, from its registry mirror)
  await runCell(page, 2); // docker save redis:3.2.11-alpine > redis.tar
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const imageCheck = page.locator('.check-result', { hasText: 'redis.tar' }).first();
  await imageCheck.waitFor({ timeout: DOCKER_CLI_TIMEOUT_MS });
  assert.match((await imageCheck.getAttribute('class')) ?? '', /\bpass\b/, await imageCheck.innerText());
  await imageCheck.getByRole('button', { name: 'Open in image explorer' }).click();
  assert.equal(await page.getByRole('tab', { name: 'Image explorer' }).getAttribute('aria-selected'), 'true');
  await page.locator('.explorer-head', { hasText: 'redis.tar' }).waitFor({ timeout: DOCKER_CLI_TIMEOUT_MS });
  assert.match(await page.locator('.explorer-head').innerText(), /docker-archive/);
  assert.match(await page.locator('.image-tags').innerText(), /redis:3\.2\.11-alpine/);
  assert.ok((await page.locator('.layer-row').count()) >= 1);
  assert.equal(
    await page.locator('.tree-row[data-path="/STAND-IN"]').count(),
    1,
    'the stand-in image’s marker file is in the tree',
  );
});

test('a source that is not there gets a plain reason, not a stack trace', async () => {
  await inspectSource('no-such-image.tar');
  const error = page.locator('.explorer-error');
  await error.waitFor();
  assert.match(await error.innerText(), /no-such-image\.tar does not exist/);
  assert.doesNotMatch(await error.innerText(), /\bat .*\.ts:\d+/);
  assert.deepEqual(
    browser.errors.filter((e) => !/Failed to load resource/.test(e)),
    [],
  );
});
