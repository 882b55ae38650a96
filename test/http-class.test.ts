// A class over real HTTP and WebSocket (DESIGN.md "Classes"): joining and its errors, the rate limit on failed
// joins, roles (a learner gets 403 on the instructor's routes and cannot attach to another learner's session),
// progress events and the instructor's API, and a restart that keeps the class.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient, UpgradeRefused } from './harness/terminal-client.ts';
import { httpGet } from './harness/http-get.ts';
import { cookieFrom, httpRequest, postJson } from './harness/http-request.ts';
import { errorCode, joinClass } from './harness/class-join.ts';
import { createTestProvider } from './harness/terminal-backend.ts';
import { createServer, type RunningServer } from '../server/http/server.ts';
import {
  CLOSE_FORBIDDEN,
  classViewSchema,
  encodeInstructorHello,
  joinResponseSchema,
  type ClassUpdate,
} from '../server/protocol/index.ts';
import { MAX_FAILED_JOINS_PER_WINDOW } from '../server/http/join-limiter.ts';
import { MAX_SESSIONS_PER_OWNER } from '../server/terminal/index.ts';

const STEPS = lessonMarkdown('Steps', {
  'Make a file': `${bash('echo one > one.txt')}\n\`\`\`check\n- file: one.txt\n  contains: one\n  hint: write it with echo\n\`\`\`\n`,
  'Read it': bash('cat one.txt'),
});
const MAX_LEARNERS = 3;

let t: TestServer;
let code: string;
before(async () => {
  t = await startTestServer({ lessons: { steps: STEPS }, class: { name: 'Docker 101', sharedHost: true } });
  code = t.server.classroom?.code ?? '';
});
after(async () => t?.stop());

const join_ = (server: TestServer, body: unknown) => postJson(`${server.origin}/api/join`, body);
const learnerSocket = (cookie: string, server: TestServer = t) =>
  TestClient.connect(server.wsUrl, { cookie, origin: server.origin });

/** Waits for the socket to close and gives its close code and reason. */
async function closed(client: TestClient): Promise<{ code: number; reason: string }> {
  if (client.closed) return client.closed;
  await new Promise((resolve) => client.ws.once('close', resolve));
  return client.closed ?? { code: 0, reason: 'no close seen' };
}

const joinAs = (name: string, server: TestServer = t, classCode = code) => joinClass(server.origin, classCode, name);

test('joining: a learner gets an HttpOnly SameSite=Strict cookie and a rejoin link; each kind of bad join has its code', async () => {
  const ok = await join_(t, { code: code.toLowerCase().replace('-', ' '), name: '  Ana\u0301  ' });
  assert.equal(ok.status, 200, ok.body);
  const body = joinResponseSchema.parse(JSON.parse(ok.body));
  assert.equal(body.name, 'Aná', 'NFC and trimmed');
  const setCookie = String(ok.headers['set-cookie']);
  assert.match(setCookie, /^stepwise-learner-\d+=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
  assert.ok(body.rejoinUrl.startsWith(`${t.origin}/rejoin?key=`));

  const wrong = await join_(t, { code: 'ZZZZ-ZZZZ', name: 'Bo' });
  assert.deepEqual([wrong.status, errorCode(wrong.body)], [403, 'BAD_CLASS_CODE']);
  const taken = await join_(t, { code, name: 'AN\u00c1' });
  assert.deepEqual([taken.status, errorCode(taken.body)], [409, 'NAME_TAKEN']);
  for (const name of ['', '   ', 'x'.repeat(41), 'a\u0007b', 'Bo\u202e', 7]) {
    const bad = await join_(t, { code, name });
    assert.deepEqual([bad.status, errorCode(bad.body)], [400, 'BAD_NAME'], JSON.stringify(name));
  }
  const notJson = await httpRequest(
    'POST',
    `${t.origin}/api/join`,
    { 'Content-Type': 'text/plain' },
    `{"code":"${code}","name":"Cy"}`,
  );
  assert.equal(notJson.status, 415);
  const broken = await httpRequest('POST', `${t.origin}/api/join`, { 'Content-Type': 'application/json' }, '{"code":');
  assert.deepEqual([broken.status, errorCode(broken.body)], [400, 'BAD_JSON']);
  const huge = await join_(t, { code, name: 'x'.repeat(10_000) });
  assert.equal(huge.status, 413);

  // The rejoin link signs another browser in as the same learner.
  const rejoin = await httpGet(body.rejoinUrl.replace(t.origin, t.origin));
  assert.equal(rejoin.status, 302);
  const second = cookieFrom(rejoin.headers['set-cookie']);
  assert.equal(second, cookieFrom(ok.headers['set-cookie']));
  const forged = await httpGet(`${t.origin}/rejoin?key=${encodeURIComponent(`${body.learnerId}.wrong`)}`);
  assert.equal(forged.status, 403);
});

test('a full class answers 403 CLASS_FULL; removing a learner frees a seat', async () => {
  const own = await startTestServer({
    lessons: { steps: STEPS },
    class: { name: 'Small', sharedHost: true, maxLearners: MAX_LEARNERS },
  });
  try {
    const ownCode = own.server.classroom?.code ?? '';
    const joined = [];
    for (let i = 0; i < MAX_LEARNERS; i++) joined.push(await joinAs(`Seat ${i}`, own, ownCode));
    const full = await join_(own, { code: ownCode, name: 'One too many' });
    assert.deepEqual([full.status, errorCode(full.body)], [403, 'CLASS_FULL']);
    await httpRequest('DELETE', `${own.origin}/api/class/learners/${joined[0]?.id}`, { Cookie: own.cookie });
    assert.equal((await join_(own, { code: ownCode, name: 'One too many' })).status, 200);
  } finally {
    await own.stop();
  }
});

test("roles: a learner gets 403 on the instructor's page and API, the instructor gets the class; strangers get 401", async () => {
  const learner = await joinAs('Roles');
  for (const path of [
    '/instructor',
    '/api/class',
    '/api/class/results.csv',
    '/api/class/results.xml',
    '/API/Class',
    '/api/class/',
    '/instructor/',
  ]) {
    const answer = await httpGet(`${t.origin}${path}`, { Cookie: learner.cookie });
    assert.equal(answer.status, 403, path);
  }
  for (const [method, path] of [
    ['POST', `/api/class/learners/${learner.id}/reset`],
    ['DELETE', `/api/class/learners/${learner.id}`],
    ['POST', '/api/class/broadcast'],
  ] as const) {
    const answer = await httpRequest(
      method,
      `${t.origin}${path}`,
      { Cookie: learner.cookie, 'Content-Type': 'application/json' },
      '{"message":"hi"}',
    );
    assert.equal(answer.status, 403, `${method} ${path}`);
  }
  assert.equal((await httpGet(`${t.origin}/api/lessons`, { Cookie: learner.cookie })).status, 200);
  assert.equal((await httpGet(`${t.origin}/api/lessons`)).status, 401);
  assert.equal(
    (await httpGet(`${t.origin}/api/lessons`, { Cookie: `${t.server.learnerCookieName}=${learner.id}.forged` })).status,
    401,
  );
  assert.equal((await httpGet(`${t.origin}/join`)).status, 200, 'the join page is open to anyone');
  const view = classViewSchema.parse(JSON.parse((await httpGet(`${t.origin}/api/class`, { Cookie: t.cookie })).body));
  assert.equal(view.name, 'Docker 101');
  assert.equal(view.code, code);
  assert.ok(view.learners.some((l) => l.id === learner.id));
});

test("a learner's socket opens only that learner's sessions; a stranger's upgrade is refused", async () => {
  const a = await joinAs('Sock A');
  const b = await joinAs('Sock B');
  const ca = await learnerSocket(a.cookie);
  const wa = await ca.hello('steps');
  const cb = await learnerSocket(b.cookie);
  const wb = await cb.hello('steps', wa.sessionId);
  assert.notEqual(wb.sessionId, wa.sessionId, "B asked for A's session and got one of its own");
  assert.equal(t.server.sessions.get(wa.sessionId)?.owner, a.id);
  assert.equal(t.server.sessions.get(wb.sessionId)?.owner, b.id);
  assert.equal(ca.closed, null, 'A keeps its socket');
  const inspect = await httpGet(`${t.origin}/api/inspect?session=${wa.sessionId}&source=x.tar`, { Cookie: b.cookie });
  assert.equal(inspect.status, 404, "B cannot read A's environment through the image explorer");
  await assert.rejects(
    TestClient.connect(t.wsUrl, { origin: t.origin }),
    (e: unknown) => e instanceof UpgradeRefused && e.status === 401,
  );
  ca.ws.close();
  cb.ws.close();
});

test(`one learner holds at most ${MAX_SESSIONS_PER_OWNER} sessions, so they cannot take the class's seats`, async () => {
  const greedy = await joinAs('Greedy');
  const other = await joinAs('Other');
  const sockets: TestClient[] = [];
  try {
    for (let i = 0; i < MAX_SESSIONS_PER_OWNER; i++) {
      const c = await learnerSocket(greedy.cookie);
      sockets.push(c);
      await c.hello('steps');
    }
    const extra = await learnerSocket(greedy.cookie);
    sockets.push(extra);
    extra.send({ type: 'hello', lessonId: 'steps', cols: 80, rows: 24 });
    const refused = await extra.next((m) => m.type === 'error');
    assert.ok(refused.type === 'error' && refused.code === 'TOO_MANY_SESSIONS', JSON.stringify(refused));
    assert.equal(t.server.sessions.ownedBy(greedy.id).length, MAX_SESSIONS_PER_OWNER);
    const fair = await learnerSocket(other.cookie);
    sockets.push(fair);
    await fair.hello('steps'); // another learner still gets a session
  } finally {
    for (const c of sockets) c.ws.close();
    for (const s of t.server.sessions.ownedBy(greedy.id)) s.dispose();
  }
});

test('checks record attempts and reasons, fire classUpdate, and show in the class view and the results', async () => {
  const learner = await joinAs('Progress');
  const updates: ClassUpdate[] = [];
  const sub = t.server.classroom?.onUpdate((u) => updates.push(u));
  const c = await learnerSocket(learner.cookie);
  await c.hello('steps');
  let from = c.messages.length;
  c.send({ type: 'check', stepId: 'make-a-file' });
  await c.next((m) => m.type === 'checkResult', from);
  await c.run('s1.c1');
  from = c.messages.length;
  c.send({ type: 'check', stepId: 'make-a-file' });
  const passed = await c.next((m) => m.type === 'checkResult', from);
  assert.ok(passed.type === 'checkResult' && passed.passed);
  await c.next((m) => m.type === 'progress', from);
  sub?.dispose();

  const mine = (u: ClassUpdate) => u.kind === 'learner' && u.learner.id === learner.id;
  const steps = (u: ClassUpdate | undefined) => (u?.kind === 'learner' ? u.learner.lessons.steps?.steps : undefined);
  assert.ok(
    updates.some((u) => mine(u) && u.kind === 'learner' && u.learner.online),
    'online on connect',
  );
  const failed = updates.find((u) => mine(u) && steps(u)?.[0]?.status === 'failed');
  assert.match(steps(failed)?.[0]?.lastFailure ?? '', /one\.txt/);
  const last = updates.filter(mine).at(-1);
  assert.deepEqual(
    steps(last)?.map((s) => [s.id, s.status, s.attempts]),
    [
      ['make-a-file', 'passed', 2],
      ['read-it', 'open', 0],
    ],
  );

  const view = classViewSchema.parse(JSON.parse((await httpGet(`${t.origin}/api/class`, { Cookie: t.cookie })).body));
  const row = view.learners.find((l) => l.id === learner.id);
  assert.equal(row?.online, true);
  assert.equal(row?.lessons.steps?.steps[0]?.status, 'passed');
  assert.ok(row?.lessons.steps?.steps[0]?.passedAt);
  const lessons = JSON.parse((await httpGet(`${t.origin}/api/lessons`, { Cookie: learner.cookie })).body) as {
    id: string;
    completedSteps: number;
  }[];
  assert.equal(lessons.find((l) => l.id === 'steps')?.completedSteps, 1, 'the learner sees their own progress');

  const csv = await httpGet(`${t.origin}/api/class/results.csv`, { Cookie: t.cookie });
  assert.equal(csv.status, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  const lines = csv.body.split('\r\n');
  assert.equal(lines[0], 'learner,lesson,step,status,attempts,first_passed_at');
  assert.ok(
    lines.some((l) => /^Progress,steps,make-a-file,passed,2,\d{4}-/.test(l)),
    csv.body,
  );

  const xml = await httpGet(`${t.origin}/api/class/results.xml`, { Cookie: t.cookie });
  const suites: string[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    if (tag.name === 'testsuite') suites.push(String(tag.attributes.name));
  });
  parser.write(xml.body).close();
  assert.ok(suites.includes('Progress'));
  c.ws.close();
});

test("the instructor broadcasts, resets a learner's environment and removes a learner", async () => {
  const learner = await joinAs('Removed');
  const c = await learnerSocket(learner.cookie);
  await c.hello('steps');
  await c.run('s1.c1');
  let from = c.messages.length;
  const sent = await postJson(
    `${t.origin}/api/class/broadcast`,
    { message: 'five minutes left' },
    { Cookie: t.cookie },
  );
  assert.equal(sent.status, 200, sent.body);
  const heard = await c.next((m) => m.type === 'broadcast', from);
  assert.ok(heard.type === 'broadcast' && heard.message === 'five minutes left');
  const long = await postJson(`${t.origin}/api/class/broadcast`, { message: 'x'.repeat(281) }, { Cookie: t.cookie });
  assert.equal(long.status, 400);

  from = c.messages.length;
  const reset = await httpRequest('POST', `${t.origin}/api/class/learners/${learner.id}/reset`, { Cookie: t.cookie });
  assert.deepEqual(JSON.parse(reset.body), { reset: 1 });
  await c.next((m) => m.type === 'resetDone', from);
  from = c.messages.length;
  c.send({ type: 'check', stepId: 'make-a-file' });
  const afterReset = await c.next((m) => m.type === 'checkResult', from);
  assert.ok(afterReset.type === 'checkResult' && !afterReset.passed, 'the reset environment has no one.txt');

  const removed = await httpRequest('DELETE', `${t.origin}/api/class/learners/${learner.id}`, { Cookie: t.cookie });
  assert.equal(removed.status, 200);
  assert.equal((await closed(c)).code, 1001, "the removed learner's socket is closed");
  assert.equal(
    (await httpGet(`${t.origin}/api/lessons`, { Cookie: learner.cookie })).status,
    401,
    "the removed learner's cookie no longer works",
  );
  await assert.rejects(learnerSocket(learner.cookie), (e: unknown) => e instanceof UpgradeRefused && e.status === 401);
  const again = await httpRequest('DELETE', `${t.origin}/api/class/learners/${learner.id}`, { Cookie: t.cookie });
  assert.equal(again.status, 404);
});

test(`more than ${MAX_FAILED_JOINS_PER_WINDOW} failed joins from one address get 429, even with the right code`, async () => {
  const own = await startTestServer({ lessons: { steps: STEPS }, class: { name: 'Rate', sharedHost: true } });
  try {
    for (let i = 0; i < MAX_FAILED_JOINS_PER_WINDOW; i++)
      assert.equal((await join_(own, { code: 'ZZZZ-ZZZZ', name: 'x' })).status, 403);
    const limited = await join_(own, { code: own.server.classroom?.code, name: 'Honest' });
    assert.deepEqual([limited.status, errorCode(limited.body)], [429, 'TOO_MANY_JOINS']);
  } finally {
    await own.stop();
  }
});

test('class mode refuses the local backend without --shared-host, and a class without a token', async () => {
  const state = await mkdtemp(join(tmpdir(), 'stepwise-class-refuse-'));
  try {
    await assert.rejects(
      createServer({ root: state, stateDir: state, backend: 'local', dockerHost: null, class: { name: 'X' } }),
      (e: unknown) =>
        e instanceof Error && 'code' in e && e.code === 'CLASS_ON_SHARED_HOST' && /--shared-host/.test(e.message),
    );
    await assert.rejects(
      createServer({
        root: state,
        stateDir: state,
        token: false,
        dockerHost: null,
        class: { name: 'X', sharedHost: true },
      }),
      (e: unknown) => e instanceof Error && 'code' in e && e.code === 'CLASS_WITHOUT_TOKEN',
    );
  } finally {
    await rm(state, { recursive: true, force: true });
  }
});

test('a restart with the same class name keeps the code, the learners and their progress', async () => {
  const base = await mkdtemp(join(tmpdir(), 'stepwise-class-restart-'));
  const stateDir = join(base, 'state');
  const lessons = await lessonsFolder();
  const start = (port?: number): Promise<RunningServer> =>
    createServer({
      root: lessons.root,
      stateDir,
      backend: createTestProvider(stateDir, `class-restart-${process.pid}-${port ?? 0}`, null),
      dockerHost: null,
      ...(port !== undefined ? { port } : {}),
      class: { name: 'Restart me', sharedHost: true },
    });
  try {
    const first = await start();
    const origin = first.baseUrl.replace(/\/$/, '');
    const server = { origin, wsUrl: `${origin.replace(/^http/, 'ws')}/ws` } as TestServer;
    const learner = await joinAs('Stays', server, first.classroom?.code ?? '');
    const c = await learnerSocket(learner.cookie, server);
    await c.hello('steps');
    await c.run('s1.c1');
    const from = c.messages.length;
    c.send({ type: 'check', stepId: 'make-a-file' });
    await c.next((m) => m.type === 'progress', from);
    const before = { code: first.classroom?.code, port: first.port, token: first.token };
    await first.close();

    const second = await start(before.port);
    try {
      assert.equal(second.classroom?.code, before.code);
      assert.notEqual(second.token, before.token, 'each run prints a fresh instructor URL');
      const view = classViewSchema.parse(
        JSON.parse((await httpGet(`${origin}/api/class`, { Cookie: `${second.cookieName}=${second.token}` })).body),
      );
      const row = view.learners.find((l) => l.id === learner.id);
      assert.equal(row?.name, 'Stays');
      assert.equal(row?.lessons.steps?.steps[0]?.status, 'passed');
      assert.equal(
        (await httpGet(`${origin}/api/class`, { Cookie: `${second.cookieName}=${before.token}` })).status,
        401,
        'the old token is gone',
      );
      const list = JSON.parse((await httpGet(`${origin}/api/lessons`, { Cookie: learner.cookie })).body) as {
        id: string;
        completedSteps: number;
      }[];
      assert.equal(
        list.find((l) => l.id === 'steps')?.completedSteps,
        1,
        "the learner's cookie still works, with their progress",
      );
    } finally {
      await second.close();
    }
  } finally {
    await lessons.stop();
    await rm(base, { recursive: true, force: true });
  }
});

/** A lessons folder like the test server's, kept across the two server runs. */
async function lessonsFolder(): Promise<{ root: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stepwise-class-lessons-'));
  await mkdir(join(dir, 'steps'));
  await writeFile(join(dir, 'steps', 'lesson.md'), STEPS);
  return { root: dir, stop: () => rm(dir, { recursive: true, force: true }) };
}

test("the instructor's socket gets the class, then each change; a learner's socket asking for it is closed", async () => {
  const instructor = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  instructor.sendRaw(encodeInstructorHello());
  const state = await instructor.next((m) => m.type === 'classState');
  assert.ok(state.type === 'classState' && state.view.code === code);
  const learner = await joinAs('Live');
  const joined = await instructor.next(
    (m) => m.type === 'classUpdate' && m.update.kind === 'learner' && m.update.learner.id === learner.id,
  );
  assert.ok(joined.type === 'classUpdate');
  const c = await learnerSocket(learner.cookie);
  await c.hello('steps');
  await c.run('s1.c1');
  let from = instructor.messages.length;
  c.send({ type: 'check', stepId: 'make-a-file' });
  const passed = await instructor.next(
    (m) =>
      m.type === 'classUpdate' &&
      m.update.kind === 'learner' &&
      m.update.learner.id === learner.id &&
      m.update.learner.lessons.steps?.steps[0]?.status === 'passed',
    from,
  );
  assert.ok(passed.type === 'classUpdate');
  from = instructor.messages.length;
  instructor.type(0, 'echo never\r'); // input on the instructor's feed goes nowhere, and does not close it
  const spy = await learnerSocket(learner.cookie);
  spy.sendRaw(encodeInstructorHello());
  assert.equal((await closed(spy)).code, CLOSE_FORBIDDEN);
  assert.equal(instructor.closed, null);
  c.ws.close();
  instructor.ws.close();
});
