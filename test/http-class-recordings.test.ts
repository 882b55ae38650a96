// Recordings of learners' terminals in a class (issue 11), over real HTTP and WebSocket on the local backend
// with --shared-host: a learner runs a cell, the instructor lists and downloads the cast and it is a valid
// asciicast v2 with the cell's output; roles and bad ids; a Reset starts a new recording; a flood stops at the
// cap and says so, with the server's memory bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { relative } from 'node:path';
import { join } from 'node:path';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient, WAIT_MS } from './harness/terminal-client.ts';
import { httpRequest, postJson, type HttpAnswer } from './harness/http-request.ts';
import { errorCode, joinClass } from './harness/class-join.ts';
import { parseCast, recordingListSchema, type Cast, type RecordingList } from '../server/protocol/index.ts';
import { MAX_CAST_BYTES } from '../server/class/index.ts';

/** Bytes the flood prints: well past the cap, and big enough that holding it in memory would show in RSS. */
const FLOOD_BYTES = 64_000_000;
/** How much the test process (server and client) may grow while a flood is recorded (bytes). Measured: about
 *  75 MiB of pty, socket and string garbage not yet collected. A recorder holding the flood would add 128 MB
 *  (64 MB as a JS string) on top and fail this. */
const MAX_FLOOD_RSS_GROWTH_BYTES = 128 * 1024 * 1024;

const LESSON = lessonMarkdown('Steps', {
  'Say it': bash('echo rec-$((6*7)) && printf "caf\\303\\251\\n"'),
  Flood: bash(`head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' x; echo; echo flood-$((1+1))`),
});

let t: TestServer;
let code: string;
before(async () => {
  t = await startTestServer({ lessons: { steps: LESSON }, class: { name: 'Casts 101', sharedHost: true } });
  code = t.server.classroom?.code ?? '';
});
after(async () => t?.stop());

const asInstructor = (path: string) => httpRequest('GET', `${t.origin}${path}`, { Cookie: t.cookie });

const joinAs = (name: string) => joinClass(t.origin, code, name);

async function recordingsOf(learnerId: string): Promise<RecordingList> {
  const answer = await asInstructor(`/api/class/learners/${learnerId}/recordings`);
  assert.equal(answer.status, 200, answer.body);
  return recordingListSchema.parse(JSON.parse(answer.body));
}

function castOf(answer: HttpAnswer): Cast {
  assert.equal(answer.status, 200, answer.body.slice(0, 200));
  const parsed = parseCast(answer.body);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.cast;
}

const outputOf = (cast: Cast) =>
  cast.events
    .filter((e) => e[1] === 'o')
    .map((e) => e[2])
    .join('');

/** Waits until the learner's recordings satisfy `ok` (a recording's end is written just after its session closes). */
async function until(learnerId: string, ok: (list: RecordingList) => boolean): Promise<RecordingList> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const list = await recordingsOf(learnerId);
    if (ok(list)) return list;
    if (Date.now() > deadline) assert.fail(`recordings never got there: ${JSON.stringify(list)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a learner runs a cell; the instructor lists and downloads a valid v2 cast with its output', async () => {
  const learner = await joinAs('José Núñez');
  const c = await TestClient.connect(t.wsUrl, { cookie: learner.cookie, origin: t.origin });
  const welcome = await c.hello('steps');
  const result = await c.run('s1.c1');
  assert.match(result.output, /rec-42/);
  c.send({ type: 'resize', term: 0, cols: 90, rows: 20 });

  const { recordings } = await until(learner.id, (l) => l.recordings.some((r) => r.bytes > 0));
  assert.equal(recordings.length, 1, JSON.stringify(recordings));
  const [live] = recordings;
  assert.ok(live);
  assert.deepEqual([live.lessonId, live.terminal, live.state], ['steps', 0, 'recording']);
  assert.ok(!Number.isNaN(Date.parse(live.startedAt)));

  // While it records, a download is the whole lines so far: still a valid cast.
  await new Promise((resolve) => setTimeout(resolve, 100)); // the resize reaches the file
  const download = await asInstructor(`/api/class/learners/${learner.id}/recordings/${live.id}`);
  assert.equal(download.headers['content-type'], 'application/x-asciicast');
  assert.equal(download.headers['content-disposition'], 'attachment; filename="Jose-Nunez-steps-T1.cast"');
  const cast = castOf(download);
  assert.deepEqual([cast.header.version, cast.header.width, cast.header.height], [2, 100, 30]);
  assert.equal(cast.header.title, 'José Núñez · Steps · T1');
  const lines = download.body.trimEnd().split('\n');
  assert.equal(lines.length, cast.events.length + 1, 'one event per line after the header');
  const times = cast.events.map((e) => e[0]);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'times never go back',
  );
  const text = outputOf(cast);
  const firstPrompt = text.indexOf('\x1b]133;A\x07'); // OSC 133 A: a prompt starts
  assert.ok(firstPrompt >= 0 && firstPrompt < text.indexOf('echo rec-'), 'it starts with the first prompt');
  assert.match(text, /rec-42/, "the cell's output");
  assert.match(text, /café/, 'UTF-8 output decoded');
  assert.ok(
    cast.events.some((e) => e[1] === 'r' && e[2] === '90x20'),
    'the resize',
  );

  // The file sits in the class's casts folder beside its database, under the learner's id.
  const classes = join(t.stateDir, 'classes');
  const castsDir = (await readdir(classes)).find((n) => n.endsWith('.casts'));
  assert.ok(castsDir, 'a casts folder beside the database');
  assert.ok((await readdir(join(classes, castsDir, learner.id))).includes(`${live.id}.cast`));

  // A closed session ends its recordings as complete.
  await c.close();
  await t.server.sessions.close(welcome.sessionId, 'the test closes it');
  const ended = await until(learner.id, (l) => l.recordings.every((r) => r.state !== 'recording'));
  assert.deepEqual(
    ended.recordings.map((r) => r.state),
    ['complete'],
  );
});

test('a learner gets 403; bad learner and recording ids get 404 with their codes', async () => {
  const learner = await joinAs('Roles');
  const c = await TestClient.connect(t.wsUrl, { cookie: learner.cookie, origin: t.origin });
  await c.hello('steps');
  const [rec] = (await until(learner.id, (l) => l.recordings.length > 0)).recordings;
  assert.ok(rec);
  for (const path of [
    `/api/class/learners/${learner.id}/recordings`,
    `/api/class/learners/${learner.id}/recordings/${rec.id}`,
    `/API/Class/learners/${learner.id}/recordings/${rec.id}/`,
  ]) {
    const answer = await httpRequest('GET', `${t.origin}${path}`, { Cookie: learner.cookie });
    assert.equal(answer.status, 403, path);
    assert.ok(!answer.body.includes('"version"'), 'no cast to a learner');
  }
  const other = await joinAs('Other');
  for (const [path, expected] of [
    [`/api/class/learners/nobody/recordings`, 'LEARNER_NOT_FOUND'],
    [`/api/class/learners/nobody/recordings/${rec.id}`, 'LEARNER_NOT_FOUND'],
    [`/api/class/learners/${learner.id}/recordings/0123456789abcdef`, 'RECORDING_NOT_FOUND'],
    [`/api/class/learners/${learner.id}/recordings/not-an-id`, 'RECORDING_NOT_FOUND'],
    [`/api/class/learners/${learner.id}/recordings/..%2F..%2Fclasses`, 'RECORDING_NOT_FOUND'],
    [`/api/class/learners/${learner.id}/recordings/${rec.id}.json`, 'RECORDING_NOT_FOUND'],
    [`/api/class/learners/${other.id}/recordings/${rec.id}`, 'RECORDING_NOT_FOUND'], // someone else's recording
    [`/api/class/learners/${'x'.repeat(300)}/recordings`, 'LEARNER_NOT_FOUND'],
  ] as const) {
    const answer = await asInstructor(path);
    assert.deepEqual([answer.status, errorCode(answer.body)], [404, expected], path);
  }
  assert.deepEqual((await recordingsOf(other.id)).recordings, [], 'a learner with no session has no recordings');
  await c.close();
});

test('a hostile name and hostile output write only inside the casts folder, under ids the server chose', async () => {
  const name = '../../.. /etc/x';
  const learner = await joinAs(name);
  const c = await TestClient.connect(t.wsUrl, { cookie: learner.cookie, origin: t.origin });
  await c.hello('steps');
  c.type(0, "printf '../../x\\n\\033]0;../../y\\007'\r");
  await c.waitForText(0, /\.\.\/\.\.\/x/);
  const [rec] = (await until(learner.id, (l) => l.recordings.length > 0)).recordings;
  assert.ok(rec);
  const classes = join(t.stateDir, 'classes');
  const castsDir = (await readdir(classes)).find((n) => n.endsWith('.casts')) ?? '';
  const files = (await readdir(t.stateDir, { recursive: true })).map((f) => relative(t.stateDir, join(t.stateDir, f)));
  const mine = files.filter((f) => f.includes(learner.id));
  assert.deepEqual(mine.sort(), [
    join('classes', castsDir, learner.id),
    join('classes', castsDir, learner.id, `${rec.id}.cast`),
    join('classes', castsDir, learner.id, `${rec.id}.json`),
  ]);
  assert.ok(!files.some((f) => /etc|\/x$|\/y$/.test(f)), files.join('\n'));
  const download = await asInstructor(`/api/class/learners/${learner.id}/recordings/${rec.id}`);
  assert.equal(download.headers['content-disposition'], 'attachment; filename="etc-x-steps-T1.cast"');
  await c.close();
});

test("a Reset ends the terminal's recording and starts a new one", async () => {
  const learner = await joinAs('Resetter');
  const c = await TestClient.connect(t.wsUrl, { cookie: learner.cookie, origin: t.origin });
  await c.hello('steps');
  await c.run('s1.c1');
  const reset = await postJson(`${t.origin}/api/class/learners/${learner.id}/reset`, {}, { Cookie: t.cookie });
  assert.equal(reset.status, 200, reset.body);
  const list = await until(learner.id, (l) => l.recordings.length === 2 && l.recordings[0]?.state === 'complete');
  assert.deepEqual(
    list.recordings.map((r) => [r.terminal, r.state]),
    [
      [0, 'complete'],
      [0, 'recording'],
    ],
  );
  const first = castOf(await asInstructor(`/api/class/learners/${learner.id}/recordings/${list.recordings[0]?.id}`));
  assert.match(outputOf(first), /rec-42/);
  await c.close();
});

test('a flood past the cap: the cast stops under the cap and says it was cut; server memory stays bounded', async () => {
  const learner = await joinAs('Flooder');
  const c = await TestClient.connect(t.wsUrl, { cookie: learner.cookie, origin: t.origin });
  // The test client keeps every byte it receives; drop them as they come, so only the server's growth counts.
  const drop = setInterval(() => c.output.clear(), 20);
  try {
    await c.hello('steps');
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const result = await c.run('s2.c1').finally(() => clearInterval(sample));
    assert.match(result.output, /flood-2/);
    const growth = peak - before;
    process.stdout.write(`# flood of ${FLOOD_BYTES} bytes: peak RSS growth ${(growth / 1048576).toFixed(1)} MiB\n`);
    assert.ok(growth < MAX_FLOOD_RSS_GROWTH_BYTES, `RSS grew ${growth} bytes while recording the flood`);
  } finally {
    clearInterval(drop);
  }
  const [rec] = (await until(learner.id, (l) => l.recordings[0]?.state === 'cut')).recordings;
  assert.ok(rec);
  assert.ok(rec.bytes <= MAX_CAST_BYTES && rec.bytes > MAX_CAST_BYTES / 2, `${rec.bytes} bytes`);
  const cast = castOf(await asInstructor(`/api/class/learners/${learner.id}/recordings/${rec.id}`));
  const [marker, notice] = cast.events.slice(-2);
  assert.deepEqual(marker?.slice(0, 1 + 1), [marker?.[0], 'm']);
  assert.match(marker?.[2] ?? '', /recording cut at its size limit of 8 MiB/);
  assert.match(notice?.[2] ?? '', /the recording stops here/);
  assert.ok(!outputOf(cast).includes('flood-2'), 'nothing after the cut');
  assert.ok(cast.events.length < 2000, `${cast.events.length} events: tiny chunks are coalesced`);
  await c.close();
});
