// Issue 11, the class "Done when": a real class in real Chromium, on the docker provider, with each learner's own
// Docker engine. The server is the real CLI, as an instructor runs it (`stepwise serve LESSONS --class NAME`,
// which picks the docker backend and the strongest learner-engine level the probe finds), pointed at the test
// harness's private dockerd by DOCKER_HOST; the engines pull through that dockerd's registry mirror.
// An instructor page and three learner browsers (each its own Chromium, so its own cookies): two learners run the
// container lesson's step 1 (pull, save, extract) by its Run buttons and pass its check, and the instructor's grid
// shows each pass within a second of the learner's page (both pages stamp the change; the figures are printed);
// one learner's `docker images` shows none of another's; the instructor watches a learner live, and keys typed
// in the watch panel never reach the learner's shell; the third learner gets 403 on the instructor's page and
// API, and their socket (a ws client with their browser's cookie) cannot attach to another learner's session. Screenshots of the join page, the grid and
// the watch view go to test/artifacts/ (class-docker-*.png).
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  launchBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
  terminalText,
  typeInTerminal,
  waitForTerminal,
  type Browser,
} from './harness/browser.ts';
import { REPO_ROOT } from './harness/cli.ts';
import { requireDockerHost, requireRegistry, SEEDED_IMAGES } from './harness/env.ts';
import { serveCli, type ServedCli } from './harness/serve-cli.ts';
import { TestClient } from './harness/terminal-client.ts';
import { EXIT_OK } from '../server/cli/exit-codes.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import { OuterEngine, outerEngineDir } from '../server/environment/learner-engine/outer-engine.ts';

const LESSON_ID = 'container-images';
const LESSON_TITLE = 'What is a Container Image?';
const STEP_ONE = { id: 'container-image', title: 'Container Image' };
/** The bound: the grid shows a learner's pass within a second of their page showing it (ms). */
const GRID_LATENCY_LIMIT_MS = 1_000;
/** A learner's first page: a shell container, their own engine started (userns, vfs) and the lesson's setup run
 * through it; on a loaded 2-core machine that takes tens of seconds (ms). */
const SESSION_READY_TIMEOUT_MS = 300_000;
/** One step-1 command: a pull through the mirror, a `docker save` of it, or a tar extraction, on vfs (ms). */
const COMMAND_TIMEOUT_MS = 240_000;
/** The step's check reads the saved archive and the extracted files (ms). */
const CHECK_TIMEOUT_MS = 120_000;
/** Stopping the server removes every learner's shell container and engine (ms). */
const STOP_TIMEOUT_MS = 180_000;
/** What `stepwise serve --class` prints once it listens. */
const CLASS_LINES =
  /^instructor: (http:\/\/127\.0\.0\.1:\d+\/instructor\?token=[\w-]{40,})\nlearners: {3}(http:\/\/127\.0\.0\.1:\d+\/join)\ncode: ([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})$/m;
const ENGINE_LEVEL_LINE = /^stepwise: learner engines: (\w+)/m;
/** Unique per run, so nothing left over from an earlier run can satisfy an assertion. */
const RUN = randomBytes(6).toString('hex');

interface Learner {
  name: string;
  browser: Browser;
  page: Page;
}

let base: string;
let cli: ServedCli;
let origin: string;
let instructorUrl: string;
let joinUrl: string;
let code: string;
let engineLevel: string;
let instructor: Browser;
let grid: Page;
const learners: Learner[] = [];
/** Every HTTP answer of 400 or more that a page got, as "STATUS URL", so a console error can be traced. */
const failedResponses: string[] = [];

/** Every console error of every page, with the address it is about ("TEXT @ URL"). */
const consoleErrors: string[] = [];

function recordConsoleErrors(browser: Browser): Browser {
  browser.context.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`);
  });
  return browser;
}

function recordFailures(page: Page): Page {
  page.on('response', (r) => {
    if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`);
  });
  return page;
}

before(async () => {
  const dockerHost = requireDockerHost();
  requireRegistry(); // the learners' engines pull through the harness's mirror
  // Short: each learner engine's containerd socket lives under the state folder and must fit in 108 bytes.
  base = await mkdtemp(join(tmpdir(), 'swcd-'));
  // mkdtemp's folder is 0700, like root's home: the userns level's dockerd cannot keep its data below it, so
  // stepwise keeps it under /var/lib/stepwise instead (outerEngineDir). Nothing here opens the folder up.
  const lessons = join(base, 'lessons');
  await cp(join(REPO_ROOT, 'scenarios', LESSON_ID), join(lessons, LESSON_ID), { recursive: true });
  cli = serveCli([lessons, '--port', '0', '--class', 'Docker 101', '--log-level', 'warn'], join(base, 'state'), {
    DOCKER_HOST: dockerHost,
  });
  const printed = await cli.printed(CLASS_LINES, 'the class lines');
  [, instructorUrl = '', joinUrl = '', code = ''] = printed;
  origin = new URL(joinUrl).origin;
  const level = ENGINE_LEVEL_LINE.exec(cli.output().stdout);
  engineLevel = level?.[1] ?? '';
  if (!level || engineLevel === 'none') {
    throw new Error(
      `no learner-engine level works here, so the class refuses Docker lessons; the server said:\n${cli.output().stdout}`,
    );
  }
  instructor = recordConsoleErrors(await launchBrowser());
  grid = recordFailures(await instructor.newPage());
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const browser = recordConsoleErrors(await launchBrowser());
    learners.push({ name, browser, page: recordFailures(await browser.newPage()) });
  }
});

after(async () => {
  for (const l of learners) await l.browser.close();
  await instructor?.close();
  if (cli) {
    cli.child.kill('SIGTERM');
    const timer = setTimeout(() => cli.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const exit = await cli.exited;
    clearTimeout(timer);
    if (exit !== EXIT_OK) {
      process.stderr.write(`stepwise serve ended with ${exit}: ${cli.output().stderr}\n`);
      await stopLeftoverOuterEngine(outerDir());
    }
  }
  if (base) {
    await rm(outerDir(), { recursive: true, force: true }); // under /var/lib/stepwise: base is a 0700 folder
    await rm(base, { recursive: true, force: true });
  }
});

/** Where the server's userns dockerd lives for this test's state folder (see outerEngineDir). */
const outerDir = () => outerEngineDir(join(base, 'state', 'stepwise', 'learner-engines'));

/** A server that died leaves its userns dockerd (and the learners' engines in it) running, holding mounts in
 * the state folder: adopt it the way a restarted server would, and stop it. Nothing is started if none answers. */
async function stopLeftoverOuterEngine(dir: string): Promise<void> {
  try {
    await dockerFromHost(`unix://${join(dir, 'docker.sock')}`).ping();
  } catch {
    return;
  }
  await (await OuterEngine.start(dir)).stop();
}

/** `work`, or a failure with the server's own words as soon as `stepwise serve` ends: a crashed server must not
 * be waited out, timeout after timeout. */
function whileServing<T>(work: Promise<T>): Promise<T> {
  const ended = new Promise<never>((_, reject) => {
    void cli.exited.then((code) =>
      reject(new Error(`stepwise serve ended (${code}); it said:\n${cli.output().stderr}`)),
    );
  });
  ended.catch(() => undefined); // after a normal stop at the end, nobody is waiting
  return Promise.race([work, ended]);
}

function learner(name: string): Learner {
  const found = learners.find((l) => l.name === name);
  if (!found) throw new Error(`no learner ${name}`);
  return found;
}

/** The learner's row in the instructor's grid. */
function row(name: string) {
  return grid.locator('tr', { has: grid.getByRole('rowheader', { name: new RegExp(`^${name} \\(`) }) });
}

/** Opens step 1 of the container lesson and waits for the learner's shell (their container and engine). */
async function openStepOne(page: Page): Promise<void> {
  await page.goto(`${origin}/lesson/${LESSON_ID}#${STEP_ONE.id}`);
  await page.getByRole('heading', { name: STEP_ONE.title, exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
  try {
    await waitForTerminal(page, /stepwise:~[#$]/, 1, SESSION_READY_TIMEOUT_MS);
  } catch (e: unknown) {
    const banners = await page.locator('.banner-warn, .banner-error, [role="alert"]').allInnerTexts();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nthe page says: ${banners.join(' | ')}`);
  }
}

/** Runs every runnable cell of the page shown, in order, by its Run button; each must exit 0. */
async function runEveryCell(page: Page): Promise<number> {
  const cells = page.locator('.page .cell, .page .icell');
  const count = await cells.count();
  let ran = 0;
  for (let i = 0; i < count; i++) {
    const cell = cells.nth(i);
    const run = cell.locator('button.btn-run, button.icell-btn.is-run');
    if ((await run.count()) === 0) continue;
    await run.click();
    // A block cell shows its exit code; an inline one a status mark with "exit N" for screen readers.
    const exit = cell.locator('.cell-exit, .icell-status .visually-hidden');
    await exit.waitFor({ timeout: COMMAND_TIMEOUT_MS });
    const shown = (await exit.getAttribute('data-exit-code')) ?? (await exit.innerText());
    const command = (await cell.locator('code').first().innerText()).trim();
    assert.match(
      shown,
      /^(exit )?0$/,
      `${command} ended with ${shown}; the terminal shows:\n${await terminalText(page)}`,
    );
    ran++;
  }
  return ran;
}

/** Types `command` in the learner's T1 and waits for `done` in what it prints. */
async function typeAndWait(page: Page, command: string, done: RegExp): Promise<string> {
  await typeInTerminal(page, command);
  return whileServing(waitForTerminal(page, done, 1, COMMAND_TIMEOUT_MS));
}

/** A cookie header with every cookie `browser` holds for the server. */
async function cookieHeader(browser: Browser): Promise<string> {
  return (await browser.context.cookies(origin)).map((c) => `${c.name}=${c.value}`).join('; ');
}

test('the instructor opens the grid and three learners join with the code', async (t: TestContext) => {
  t.diagnostic(`learner engines: ${engineLevel}`);
  await grid.goto(instructorUrl);
  await grid.getByTestId('class-code').filter({ hasText: code }).waitFor({ timeout: STEP_TIMEOUT_MS });
  for (const l of learners) {
    await l.page.goto(joinUrl);
    await l.page.getByLabel('Class code').fill(code);
    await l.page.getByLabel('Your name').fill(l.name);
    if (l.name === 'Ana') await screenshot(l.page, 'class-docker-join');
    await l.page.getByRole('button', { name: 'Join' }).click();
    await l.page.getByRole('heading', { name: `Welcome, ${l.name}` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await l.page.getByRole('link', { name: 'Go to the lessons' }).click();
    await l.page.getByRole('link', { name: LESSON_TITLE }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await row(l.name).waitFor({ timeout: STEP_TIMEOUT_MS });
  }
  assert.equal(await grid.locator('tbody tr').count(), 3);
});

test('two learners run step 1 of the container lesson in their own engines and pass; the grid shows each pass within a second', async (t: TestContext) => {
  const runners = [learner('Ana'), learner('Ben')];
  await whileServing(
    Promise.all(
      runners.map(async (l) => {
        await openStepOne(l.page);
        const ran = await runEveryCell(l.page);
        assert.ok(ran >= 3, `step 1 has its pull, save and extract cells; ${l.name} ran ${ran}`);
      }),
    ),
  );
  for (const l of runners) {
    await row(l.name).locator('td.step-cell[data-status="open"]').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  }

  // Both ends stamp the moment they change, with the one clock of this machine (Date.now, ms), so what is
  // measured is the server's fan-out and the grid's render, not this test's polling.
  const ids = await Promise.all(runners.map(async (l) => (await row(l.name).getAttribute('data-learner')) ?? ''));
  // (No named functions inside evaluate: tsx's keepNames would wrap them in a helper the page lacks. Neither
  // page can show the pass yet, so the observers need no first look.)
  await grid.evaluate((learnerIds: string[]) => {
    const seen: Record<string, number> = {};
    Object.assign(window, { stepwisePassSeen: seen });
    new MutationObserver(() => {
      for (const id of learnerIds) {
        const passed = document.querySelector(
          `tr[data-learner="${CSS.escape(id)}"] td.step-cell[data-status="passed"]`,
        );
        if (passed && seen[id] === undefined) seen[id] = Date.now();
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, ids);
  for (const l of runners) {
    assert.equal(await l.page.locator('.checks-summary').count(), 0, `${l.name} has not checked yet`);
    await l.page.evaluate(() => {
      const stamp: { at: number | null } = { at: null };
      Object.assign(window, { stepwisePassSeen: stamp });
      new MutationObserver(() => {
        if (stamp.at === null && document.querySelector('.checks-summary.pass')) stamp.at = Date.now();
      }).observe(document.body, { subtree: true, childList: true });
    });
  }

  await Promise.all(runners.map((l) => l.page.getByRole('button', { name: 'Check', exact: true }).click()));
  for (const [i, l] of runners.entries()) {
    const outcome = l.page.locator('.checks-summary');
    await whileServing(outcome.waitFor({ timeout: CHECK_TIMEOUT_MS }));
    assert.match(
      (await outcome.getAttribute('class')) ?? '',
      /\bpass\b/,
      `${l.name}'s check failed: ${(await l.page.locator('.check-result.fail').allInnerTexts()).join(' | ')}`,
    );
    const learnerAt = await l.page.evaluate(
      () => (window as unknown as { stepwisePassSeen: { at: number | null } }).stepwisePassSeen.at,
    );
    // Only step 1 can be passed: the lesson's later steps stay locked until it is.
    await row(l.name).locator('td.step-cell[data-status="passed"]').waitFor({ timeout: CHECK_TIMEOUT_MS });
    const gridAt = await grid.evaluate(
      (id: string) => (window as unknown as { stepwisePassSeen: Record<string, number> }).stepwisePassSeen[id],
      ids[i] ?? '',
    );
    assert.ok(learnerAt !== null && gridAt !== undefined, 'both pages stamped the pass');
    const latency = gridAt - learnerAt;
    t.diagnostic(`${l.name}: the grid showed the pass ${latency} ms after the learner's page did`);
    assert.ok(latency <= GRID_LATENCY_LIMIT_MS, `${l.name}'s pass reached the grid after ${latency} ms`);
    assert.match(
      (await row(l.name).locator('td.step-cell').first().getAttribute('title')) ?? '',
      new RegExp(`^${STEP_ONE.id}: passed, 1 attempt`),
    );
  }
  assert.equal(
    await row('Cy').locator('td.step-cell[data-status="passed"]').count(),
    0,
    'Cy ran nothing and passed nothing',
  );
  await screenshot(grid, 'class-docker-grid');
});

test("one learner's `docker images` shows none of another learner's images", async () => {
  const ana = learner('Ana').page;
  const ben = learner('Ben').page;
  const cy = learner('Cy').page;
  // Ana tags an image only she has; the arithmetic keeps the end marker out of the echoed command line.
  const only = `ana-only-${RUN}`;
  await typeAndWait(ana, `docker tag ${SEEDED_IMAGES.redis} ${only}:v1 && echo TAGGED-$((6*7))`, /^TAGGED-42$/m);
  // The shell joins 'I''MG' into IMG: only the listing's lines start with it, never the echoed command line.
  const list = `docker images --format 'I''MG {{.Repository}}:{{.Tag}}'; echo LISTED-$((6*7))`;
  const anaImages = await typeAndWait(ana, list, /^LISTED-42$/m);
  assert.match(anaImages, new RegExp(`^IMG ${only}:v1$`, 'm'), 'Ana sees the image she tagged');

  const benImages = await typeAndWait(ben, list, /^LISTED-42$/m);
  assert.match(benImages, new RegExp(`^IMG ${SEEDED_IMAGES.redis}$`, 'm'), 'Ben sees the image he pulled');
  assert.doesNotMatch(benImages, new RegExp(only), "Ben's engine lists none of Ana's images");

  await whileServing(openStepOne(cy)); // Cy's own engine starts; this step's setup removes only the lesson's image names
  const cyImages = await typeAndWait(cy, list, /^LISTED-42$/m);
  assert.doesNotMatch(cyImages, new RegExp(only), "Cy's engine lists none of Ana's images");
  assert.doesNotMatch(cyImages, /^IMG /m, `Cy pulled nothing, and sees no one's images:\n${cyImages}`);
});

test("the instructor watches a learner's terminal live; keys typed there never reach the learner's shell", async () => {
  const ana = learner('Ana').page;
  await grid.getByRole('button', { name: 'Watch Ana' }).click();
  const panel = grid.getByRole('region', { name: 'Watching Ana' });
  await panel.getByText(/^Live:/).waitFor({ timeout: STEP_TIMEOUT_MS });
  const seen = `watched-${RUN}-42`;
  await typeAndWait(ana, `echo "watched-${RUN}-$((6*7))"`, new RegExp(`^${seen}$`, 'm'));
  await panel.locator('.xterm-rows').filter({ hasText: seen }).waitFor({ timeout: STEP_TIMEOUT_MS });

  // Had these keys reached Ana's shell, it would make a file and remember the line.
  await panel.locator('.xterm').click();
  await grid.keyboard.type(`touch leak-${RUN} && echo LEAK-${RUN}`);
  await grid.keyboard.press('Enter');
  await panel.getByText(/Read-only: keys typed here are not sent to Ana/).waitFor({ timeout: STEP_TIMEOUT_MS });
  await screenshot(grid, 'class-docker-watch');
  // A round trip through Ana's shell after the instructor's keys: they would have run first. `[t]ouch` keeps
  // this line itself out of what grep finds in the history.
  const after = await typeAndWait(
    ana,
    `test -e leak-${RUN}; echo "leak-file=$? typed=$(history | grep -c '[t]ouch leak')"`,
    /^leak-file=\d typed=\d+$/m,
  );
  assert.match(after, /^leak-file=1 typed=0$/m, "the instructor's keys made no file and no history in Ana's shell");
  assert.ok(!(await terminalText(ana)).includes(`LEAK-${RUN}`), "Ana's terminal shows none of the instructor's keys");
  await panel.locator('.xterm-rows').filter({ hasText: 'leak-file=1' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await grid.getByRole('button', { name: 'Stop watching' }).click();
  await panel.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
});

test("a learner gets 403 on the instructor's page and API, and their socket cannot attach to another learner's session", async () => {
  const cy = learner('Cy');
  for (const path of ['/instructor', '/api/class']) {
    const answer = await cy.page.goto(`${origin}${path}`);
    assert.equal(answer?.status(), 403, `${path} for a learner`);
  }

  const ana = learner('Ana').page;
  const marker = `ana-screen-${RUN}`;
  await typeAndWait(ana, `echo ${marker.toUpperCase()} | tr A-Z a-z`, new RegExp(`^${marker}$`, 'm'));
  const anaSession = await ana.evaluate((key: string) => sessionStorage.getItem(key), `stepwise.session.${LESSON_ID}`);
  assert.ok(anaSession, "Ana's page keeps its session id");

  const socket = await TestClient.connect(`ws://${new URL(origin).host}/ws`, {
    cookie: await cookieHeader(cy.browser),
    origin,
  });
  try {
    const welcome = await socket.hello(LESSON_ID, anaSession);
    assert.notEqual(welcome.sessionId, anaSession, "Cy asked for Ana's session and got one of his own");
    const seen = JSON.stringify(socket.messages) + socket.text(0);
    assert.ok(!seen.includes(marker), "nothing of Ana's screen reached Cy's socket");
  } finally {
    await socket.close();
  }
  // Ana keeps her session: her terminal still answers.
  await typeAndWait(ana, 'echo STILL-$((6*7))', /^STILL-42$/m);
  // The only failed loads: Cy's two refused pages, and the icon Chromium asks for beside a page without one
  // (the JSON answer of /api/class).
  const expected = new RegExp(
    `status of (403 .* @ ${origin}/(instructor|api/class)|404 .* @ ${origin}/favicon\\.ico)$`,
  );
  assert.deepEqual(
    consoleErrors.filter((e) => !expected.test(e)),
    [],
    `the pages' failed requests: ${failedResponses.join(', ')}`,
  );
  assert.deepEqual(
    [...instructor.errors, ...learners.flatMap((l) => l.browser.errors)].filter((e) => e.startsWith('pageerror')),
    [],
  );
});
