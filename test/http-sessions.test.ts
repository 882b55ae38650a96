// The HTTP API and the session features around the terminal: lesson list and view, progress that survives a
// restart, Reset (fresh environment + setup), Catch up, --watch, idle reaping and the session limit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { httpGet } from './harness/http-get.ts';
import { createServer } from '../server/http/server.ts';
import { createTestProvider } from './harness/terminal-backend.ts';
import { CLOSE_NO_SESSION, lessonSummaryListSchema, lessonViewSchema } from '../server/protocol/index.ts';

const STEPS = lessonMarkdown(
  'Steps',
  {
    'Make a file': `${bash('echo one > one.txt')}\n\`\`\`check\n- file: one.txt\n  contains: one\n  hint: write it with echo\n\`\`\`\n`,
    'Read it': `${bash('cat one.txt')}\n${bash('echo two >> one.txt')}`,
    'Last step': bash('cat marker.txt 2>/dev/null || echo no-marker'),
  },
  'setup:\n  - echo setup-ran > marker.txt\n',
);
const DOCKER = lessonMarkdown('Needs docker', { Only: bash('docker version') }, 'environment:\n  requires: [docker]\n');

let t: TestServer;
before(async () => {
  t = await startTestServer({ lessons: { steps: STEPS, docker: DOCKER }, dockerHost: null });
});
after(async () => t?.stop());

const connect = (server: TestServer = t) =>
  TestClient.connect(server.wsUrl, { cookie: server.cookie, origin: server.origin });

test('GET /api/lessons and /api/lesson answer in the protocol shapes; unmet requirements say why', async () => {
  const list = lessonSummaryListSchema.parse(
    JSON.parse((await httpGet(`${t.origin}/api/lessons`, { Cookie: t.cookie })).body),
  );
  const steps = list.find((l) => l.id === 'steps');
  assert.equal(steps?.steps, 3);
  assert.deepEqual(steps?.unmet, []);
  const docker = list.find((l) => l.id === 'docker');
  assert.deepEqual(docker?.requires, ['docker']);
  assert.match(docker?.unmet[0]?.reason ?? '', /without a Docker engine|cannot run lessons that require Docker/);
  const view = lessonViewSchema.parse(
    JSON.parse((await httpGet(`${t.origin}/api/lesson?id=steps`, { Cookie: t.cookie })).body),
  );
  assert.deepEqual(
    view.steps.map((s) => s.id),
    ['make-a-file', 'read-it', 'last-step'],
  );
  assert.equal(view.steps[0]?.checks, 1);
  const missing = await httpGet(`${t.origin}/api/lesson?id=nope`, { Cookie: t.cookie });
  assert.equal(missing.status, 404);
  assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'LESSON_NOT_FOUND');
  assert.equal((await httpGet(`${t.origin}/api/lesson`, { Cookie: t.cookie })).status, 400);
});

test('a failing check gives its hint; a passing one is progress that survives a server restart', async () => {
  const c = await connect();
  await c.hello('steps');
  let from = c.messages.length;
  c.send({ type: 'check', stepId: 'make-a-file' });
  const failing = await c.next((m) => m.type === 'checkResult', from);
  assert.ok(failing.type === 'checkResult' && !failing.passed);
  assert.equal(failing.type === 'checkResult' && failing.results[0]?.hint, 'write it with echo');
  await c.run('s1.c1');
  from = c.messages.length;
  c.send({ type: 'check', stepId: 'make-a-file' });
  const passing = await c.next((m) => m.type === 'checkResult', from);
  assert.ok(passing.type === 'checkResult' && passing.passed, JSON.stringify(passing));
  await c.next((m) => m.type === 'progress', from);
  await c.close();

  const again = await createServer({
    root: t.root,
    stateDir: t.stateDir,
    dockerHost: null,
    backend: createTestProvider(t.stateDir, `restart-${process.pid}`),
  });
  try {
    const cookie = `${again.cookieName}=${again.token}`;
    const list = lessonSummaryListSchema.parse(
      JSON.parse((await httpGet(`${again.baseUrl}api/lessons`, { Cookie: cookie })).body),
    );
    assert.equal(list.find((l) => l.id === 'steps')?.completedSteps, 1);
    const view = lessonViewSchema.parse(
      JSON.parse((await httpGet(`${again.baseUrl}api/lesson?id=steps`, { Cookie: cookie })).body),
    );
    assert.deepEqual(view.completedSteps, ['make-a-file']);
  } finally {
    await again.close();
  }
});

test('Catch up replays the cells of the steps before the given one in a fresh environment', async () => {
  const c = await connect();
  const welcome = await c.hello('steps');
  assert.equal(welcome.fresh, true);
  const from = c.messages.length;
  c.send({ type: 'catchUp', stepId: 'last-step' });
  const done = await c.next((m) => m.type === 'catchUpDone', from);
  assert.ok(done.type === 'catchUpDone' && done.ok, JSON.stringify(done));
  const results = c.messages
    .slice(from)
    .filter((m) => m.type === 'runResult')
    .map((m) => (m.type === 'runResult' ? m.cellId : ''));
  assert.deepEqual(results, ['s1.c1', 's2.c1', 's2.c2']);
  const read = await c.run('s2.c1');
  assert.equal(read.output, 'one\ntwo');
  await c.close();
});

test('Reset destroys the environment, makes a fresh one, runs setup and reopens the terminals', async () => {
  const c = await connect();
  await c.hello('steps');
  await c.run('s1.c1');
  const pidBefore = (await c.run('s3.c1')).output;
  assert.equal(pidBefore, 'no-marker', 'setup does not run when a session starts');
  const from = c.messages.length;
  c.send({ type: 'reset' });
  const done = await c.next((m) => m.type === 'resetDone', from);
  assert.ok(done.type === 'resetDone' && done.ok, JSON.stringify(done));
  await c.next((m) => m.type === 'snapshot' && m.term === 0, from);
  assert.equal((await c.run('s3.c1')).output, 'setup-ran');
  const gone = await c.run('s2.c1');
  assert.notEqual(gone.exitCode, 0, 'files of the old environment are gone');
  await c.close();
});

test('--watch: editing a lesson tells its open pages', async () => {
  const w = await startTestServer({
    lessons: { watched: lessonMarkdown('Watched', { One: bash('echo v1') }) },
    watch: true,
  });
  try {
    const c = await connect(w);
    await c.hello('watched');
    await writeFile(join(w.root, 'watched', 'lesson.md'), lessonMarkdown('Watched', { One: bash('echo v2') }));
    const changed = await c.next((m) => m.type === 'lessonChanged');
    assert.equal(changed.type === 'lessonChanged' && changed.lessonId, 'watched');
    assert.equal((await c.run('s1.c1')).output, 'v2', 'runs use the new version');
    await c.close();
  } finally {
    await w.stop();
  }
});

test('idle sessions are reaped; the session limit refuses one more with a clear error', async () => {
  const l = await startTestServer({
    lessons: { steps: STEPS },
    limits: { idleTimeoutMs: 1_000, reapIntervalMs: 100, maxSessions: 1 },
  });
  try {
    const first = await connect(l);
    await first.hello('steps');
    const second = await connect(l);
    second.send({ type: 'hello', lessonId: 'steps', cols: 80, rows: 24 });
    const refused = await second.next((m) => m.type === 'error');
    assert.equal(refused.type === 'error' && refused.code, 'TOO_MANY_SESSIONS');
    assert.equal((await second.waitClosed()).code, CLOSE_NO_SESSION);
    const closed = await first.waitClosed();
    assert.equal(closed.code, 1001, 'the idle session ended and closed its socket');
    assert.equal(l.server.sessions.count, 0);
  } finally {
    await l.stop();
  }
});

test('a session past the maximum age is closed even while it is busy', async () => {
  const l = await startTestServer({
    lessons: { steps: STEPS },
    limits: { maxSessionAgeMs: 1_500, reapIntervalMs: 100 },
  });
  try {
    const c = await connect(l);
    await c.hello('steps');
    const keepBusy = setInterval(() => c.type(0, 'true\r'), 100); // activity: it is not idle
    try {
      assert.equal((await c.waitClosed()).code, 1001);
    } finally {
      clearInterval(keepBusy);
    }
    assert.equal(l.server.sessions.count, 0);
  } finally {
    await l.stop();
  }
});
