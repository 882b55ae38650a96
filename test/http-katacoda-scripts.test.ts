// Katacoda/Killercoda background and foreground scripts in a live session (real server, real ws client, real
// pty): they run through the same provisioning code as `stepwise check`, so a lesson that passes `check` finds
// the same state in the browser. Runs and checks of a step wait for the scripts due before it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { httpGet } from './harness/http-get.ts';
import { lessonViewSchema } from '../server/protocol/index.ts';

const KATA = {
  'kata/index.json': JSON.stringify({
    title: 'Scripts',
    details: {
      intro: { text: 'intro.md', courseData: 'intro-bg.sh' },
      steps: [{ title: 'Look', text: 'step1.md', courseData: 'step1-bg.sh', code: 'step1-fg.sh' }],
    },
  }),
  'kata/intro.md': 'Welcome.\n',
  // The intro's background script leaves a file, and takes a moment, as real ones do (installing things).
  'kata/intro-bg.sh': '#!/bin/bash\nsleep 1\necho intro-background-ran > from-intro-bg\n',
  'kata/step1.md': 'Look: `cat from-intro-bg from-step-bg`{{execute}}\n',
  'kata/step1-bg.sh': '#!/bin/bash\ntest -f from-intro-bg && echo step-background-ran > from-step-bg\n',
  'kata/step1-fg.sh': 'echo "foreground-script-$((6 * 7))"\n',
  'broken/index.json': JSON.stringify({
    title: 'Broken',
    details: { intro: { text: 'intro.md', courseData: 'fail.sh' }, steps: [{ title: 'One', text: 'step1.md' }] },
  }),
  'broken/intro.md': 'Welcome.\n',
  'broken/fail.sh': '#!/bin/bash\necho no-such-package >&2\nexit 3\n',
  'broken/step1.md': '`true`{{execute}}\n',
};

let t: TestServer;
before(async () => {
  t = await startTestServer({ lessons: {}, files: KATA });
});
after(async () => t?.stop());

/** A client in a new session of `lessonId`, given the id of the first cell of its first step; closed after `body`. */
async function inSession(lessonId: string, body: (client: TestClient, cellId: string) => Promise<void>): Promise<void> {
  const cellId = await firstCellOfStep(lessonId);
  const client = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  try {
    await client.hello(lessonId);
    await body(client, cellId);
  } finally {
    await client.close();
  }
}

async function firstCellOfStep(lessonId: string): Promise<string> {
  const view = lessonViewSchema.parse(
    JSON.parse((await httpGet(`${t.origin}/api/lesson?id=${lessonId}`, { Cookie: t.cookie })).body),
  );
  for (const block of view.steps[0]?.blocks ?? []) {
    const id = block.type === 'cell' ? block.cell.id : block.cells?.[0]?.id;
    if (id !== undefined) return id;
  }
  throw new Error(`lesson ${lessonId} has no cell in its first step`);
}

test("a Katacoda lesson's background scripts run in a live session before the step's cells, and its foreground script is typed into T1", async () => {
  await inSession('kata', async (client, cellId) => {
    const result = await client.run(cellId);
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /intro-background-ran\nstep-background-ran/);
    // The foreground script ran in the learner's terminal, where the learner sees it.
    await client.waitForText(0, /foreground-script-42/);
    assert.equal(
      client.messages.filter((m) => m.type === 'error').length,
      0,
      JSON.stringify(client.messages.filter((m) => m.type === 'error')),
    );
  });
});

test('Reset gives a fresh environment in which the scripts run again', async () => {
  await inSession('kata', async (client, cellId) => {
    assert.equal((await client.run(cellId)).exitCode, 0);
    const from = client.messages.length;
    client.send({ type: 'reset' });
    const done = await client.next((m) => m.type === 'resetDone', from);
    assert.ok(done.type === 'resetDone' && done.ok, JSON.stringify(done));
    const again = await client.run(cellId);
    assert.equal(again.exitCode, 0, again.output);
    assert.match(again.output, /intro-background-ran\nstep-background-ran/);
  });
});

test('a failing background script is told to the learner, with its exit status and what it printed', async () => {
  await inSession('broken', async (client, cellId) => {
    const result = await client.run(cellId);
    assert.equal(result.exitCode, 0, 'the learner can still work');
    const error = await client.next((m) => m.type === 'error');
    assert.ok(error.type === 'error');
    assert.equal(error.code, 'SCRIPT_FAILED');
    assert.match(error.message, /background script .*index\.json:\d+ exited 3: no-such-package/);
  });
});
