// The instructor's recordings panel in real Chromium (issue 11): a learner (a real ws client) runs a cell; the
// instructor opens "Recordings" on the learner's row, plays the cast in the page's player and sees the cell's
// output; seeks and speeds; downloads it; and a cast that is not valid shows a clear message instead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launchBrowser,
  screenshot,
  startStepwise,
  STEP_TIMEOUT_MS,
  type Browser,
  type Stepwise,
} from './harness/browser.ts';
import { cookieFrom, postJson } from './harness/http-request.ts';
import { TestClient } from './harness/terminal-client.ts';
import { bash, lessonMarkdown } from './harness/terminal-server.ts';
import { joinResponseSchema } from '../server/protocol/index.ts';
import { castsDirOf } from '../server/class/index.ts';

let lessons: string;
let sw: Stepwise;
let browser: Browser | null = null;

before(async () => {
  lessons = await mkdtemp(join(tmpdir(), 'stepwise-recordings-lessons-'));
  await mkdir(join(lessons, 'one'));
  await writeFile(
    join(lessons, 'one', 'lesson.md'),
    lessonMarkdown('First lesson', { Hello: bash('echo rec-$((6*7))') }),
  );
  sw = await startStepwise({ root: lessons, dockerHost: null, class: { name: 'Recorded class', sharedHost: true } });
});

after(async () => {
  await browser?.close();
  await sw?.close();
  await rm(lessons, { recursive: true, force: true });
});

test("the instructor opens a learner's recordings, plays one and sees the cell's output; a bad cast says why", async () => {
  const origin = sw.server.baseUrl.replace(/\/$/, '');
  const joined = await postJson(`${origin}/api/join`, { code: sw.server.classroom?.code, name: 'Ana' });
  assert.equal(joined.status, 200, joined.body);
  const learnerId = joinResponseSchema.parse(JSON.parse(joined.body)).learnerId;
  const learner = await TestClient.connect(`${origin.replace(/^http/, 'ws')}/ws`, {
    cookie: cookieFrom(joined.headers['set-cookie']),
    origin,
  });
  const welcome = await learner.hello('one', undefined, { cols: 80, rows: 12 });
  assert.match((await learner.run('s1.c1')).output, /rec-42/);
  await learner.close();
  await sw.server.sessions.close(welcome.sessionId, 'the learner is done'); // its recording ends complete

  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${sw.server.baseUrl}instructor?token=${sw.server.token}`);
  await page.getByRole('button', { name: 'Recordings of Ana' }).click();
  const panel = page.getByRole('dialog', { name: 'Recordings of Ana' });
  await panel.getByRole('cell', { name: 'complete' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  const download = panel.getByRole('link', { name: /^Download one T1/ });
  const href = (await download.getAttribute('href')) ?? '';
  assert.match(href, new RegExp(`^/api/class/learners/${learnerId}/recordings/[0-9a-f]{16}$`));
  const fetched = await page.evaluate(async (url) => {
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }, href);
  assert.deepEqual([fetched.status, fetched.type], [200, 'application/x-asciicast']);
  assert.match(fetched.text, /^\{"version":2,"width":80,"height":12,/);

  await panel.getByRole('button', { name: /^Play one T1/ }).click();
  const player = panel.getByRole('region', { name: /^Recording of Ana, one T1/ });
  const screen = player.getByTestId('cast-screen');
  /** Waits until the player's screen shows `pattern` (or, with `shown` false, no longer shows it). */
  const shows = async (pattern: RegExp, shown = true) => {
    const started = Date.now();
    while (pattern.test(await screen.locator('.xterm-rows').innerText()) !== shown) {
      if (Date.now() - started > STEP_TIMEOUT_MS)
        assert.fail(`the player never ${shown ? 'showed' : 'cleared'} ${pattern}`);
      await page.waitForTimeout(50);
    }
  };
  await shows(/rec-42/);
  await player.getByRole('button', { name: 'Play' }).waitFor({ timeout: STEP_TIMEOUT_MS }); // it played to the end
  await screenshot(page, 'class-recording-player');

  // Seek to the start: the screen is reset; to the end: everything up to there is written at once.
  const seek = player.getByRole('slider', { name: 'Position in the recording' });
  await seek.fill('0');
  await shows(/rec-42/, false);
  await seek.fill((await seek.getAttribute('max')) ?? '0');
  await shows(/rec-42/);
  await player.getByRole('button', { name: 'Speed 4×' }).click();
  assert.equal(await player.getByRole('button', { name: 'Speed 4×' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await player.getByRole('button', { name: 'Speed 1×' }).getAttribute('aria-pressed'), 'false');
  await player.getByRole('button', { name: 'Play' }).click(); // from the start again, four times as fast
  await shows(/rec-42/);

  // A cast that is not valid (here: damaged on disk) gets a message naming the problem, not a blank player.
  const recordingId = href.split('/').at(-1) ?? '';
  const classFile = sw.server.classroom?.file ?? '';
  await writeFile(join(castsDirOf(classFile), learnerId, `${recordingId}.cast`), '{"version": 1}\n[0, "o", "x"]\n');
  await panel.getByRole('button', { name: /^Play one T1/ }).click();
  await panel
    .getByRole('alert')
    .filter({ hasText: /cannot be played: line 1 is not an asciicast v2 header/ })
    .waitFor({ timeout: STEP_TIMEOUT_MS });

  await panel.getByRole('button', { name: 'Close' }).click();
  await panel.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  assert.deepEqual(browser.errors, []);
});
