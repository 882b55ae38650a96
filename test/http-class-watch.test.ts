// The instructor's read-only watch of a learner's terminals (DESIGN.md "Instructor live view"), over real HTTP,
// WebSocket and node-pty: `watch {learnerId, lessonId}` on the instructor's socket gives `watching`, each
// terminal's snapshot, then the live output, and follows the learner into the next session they open. Keys sent
// on the instructor's socket never reach a pty; a learner's socket cannot watch; a watcher that stops reading
// neither pauses the learner's shell nor makes the server hold its output. The grid's "on step" follows too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { joinClass } from './harness/class-join.ts';
import {
  CLOSE_BAD_MESSAGE,
  encodeInstructorHello,
  encodeInstructorMessage,
  type InstructorMessageBody,
  type ServerMessage,
} from '../server/protocol/index.ts';
import { WATCH_MAX_UNSENT_BYTES } from '../server/terminal/terminal-watcher.ts';

/** Output of the flood a watcher does not read: far above what a watcher may have unsent plus loopback's socket
 *  buffers (a few MiB), so a server that held the flood for it would show. */
const FLOOD_BYTES = 200 * WATCH_MAX_UNSENT_BYTES;
const STEPS = lessonMarkdown('Steps', {
  'Make a file': `${bash('echo one > one.txt')}\n\`\`\`check\n- file: one.txt\n  contains: one\n\`\`\`\n`,
  'Read it': bash('cat one.txt'),
  Flood: bash(`head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' x; echo; echo "flood-$((1 + 1))-done"`),
});
const OTHER = lessonMarkdown('Other', { Only: bash('true') });

let t: TestServer;
let code: string;
before(async () => {
  t = await startTestServer({
    lessons: { steps: STEPS, other: OTHER },
    class: { name: 'Watch class', sharedHost: true },
  });
  code = t.server.classroom?.code ?? '';
});
after(async () => t?.stop());

const joinAs = (name: string) => joinClass(t.origin, code, name);

/** The instructor's socket, following the class. It never acks: a watcher takes no part in flow control. */
async function instructorSocket(): Promise<TestClient> {
  const instructor = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin, autoAck: false });
  instructor.sendRaw(encodeInstructorHello());
  await instructor.next((m) => m.type === 'classState');
  return instructor;
}

const learnerSocket = (cookie: string) => TestClient.connect(t.wsUrl, { cookie, origin: t.origin });
const send = (c: TestClient, body: InstructorMessageBody) => c.sendRaw(encodeInstructorMessage(body));
const watching = (learnerId: string, withSession: boolean) => (m: ServerMessage) =>
  m.type === 'watching' && m.learnerId === learnerId && (m.sessionId !== null) === withSession;
/** What the watcher shows of T1: every snapshot's text and every output byte, in arrival order is not needed. */
const shown = (c: TestClient) =>
  c.messages.map((m) => (m.type === 'snapshot' && m.term === 0 ? m.data : '')).join('') + c.text(0);

/** A learner at T1's prompt in the `steps` lesson, and an instructor socket watching them (T1's snapshot taken). */
async function watchedLearner(name: string): Promise<{ learner: TestClient; instructor: TestClient }> {
  const joined = await joinAs(name);
  const learner = await learnerSocket(joined.cookie);
  await learner.hello('steps');
  const instructor = await instructorSocket();
  send(instructor, { type: 'watch', learnerId: joined.id, lessonId: 'steps' });
  await instructor.next(watching(joined.id, true));
  await instructor.next((m) => m.type === 'snapshot' && m.term === 0);
  return { learner, instructor };
}

test('watching follows the learner into the lesson: snapshot, then what they type and what comes back', async () => {
  const ana = await joinAs('Ana');
  const instructor = await instructorSocket();
  send(instructor, { type: 'watch', learnerId: ana.id, lessonId: 'steps' });
  const waiting = await instructor.next(watching(ana.id, false));
  assert.ok(waiting.type === 'watching' && waiting.terminals.length === 0);

  const learner = await learnerSocket(ana.cookie);
  const welcome = await learner.hello('steps');
  const bound = await instructor.next(watching(ana.id, true));
  assert.ok(bound.type === 'watching' && bound.sessionId === welcome.sessionId);
  await instructor.next((m) => m.type === 'snapshot' && m.term === 0);

  learner.type(0, 'echo "watch-$((6 * 7))"\r');
  await learner.waitForText(0, /watch-42/);
  await instructor.until(() => /watch-42/.test(shown(instructor)), 60_000, 'the watcher to see watch-42');
  // The snapshot carries the learner's screen size, so the watch view can draw it as they see it.
  const snapshot = instructor.messages.find((m) => m.type === 'snapshot');
  assert.ok(snapshot?.type === 'snapshot' && snapshot.cols === 100 && snapshot.rows === 30);

  // The learner's grid row says where they are: the lesson they opened, its first step not passed.
  const row = t.server.classroom?.view().learners.find((l) => l.id === ana.id);
  assert.equal(row?.onStep?.lessonId, 'steps');
  assert.equal(row?.onStep?.stepId, 'make-a-file');
  await learner.run('s1.c1');
  learner.send({ type: 'check', stepId: 'make-a-file' });
  await learner.next((m) => m.type === 'progress');
  const after = t.server.classroom?.view().learners.find((l) => l.id === ana.id);
  assert.equal(after?.onStep?.stepId, 'read-it');
  assert.ok(after && row?.onStep && after.onStep && after.onStep.since >= row.onStep.since);

  await learner.close();
  await instructor.close();
});

test("keys sent on the instructor's socket never reach the learner's pty", async () => {
  const { learner, instructor } = await watchedLearner('Ben');

  for (let term = 0; term < 3; term++) instructor.type(term, 'echo INSTRUCTOR-TYPED > typed.txt\r');
  // A round trip through the learner's shell after the keys: had they reached it, they would have run first.
  learner.type(0, 'test -e typed.txt; echo "typed-file=$?"\r');
  await learner.waitForText(0, /typed-file=1/);
  assert.doesNotMatch(learner.text(0), /INSTRUCTOR-TYPED/);
  assert.equal(instructor.closed, null, 'input is dropped, not a reason to close the watch');
  await learner.close();
  await instructor.close();
});

test("a learner's socket cannot watch; a watch of someone unknown, or of no lesson, is refused", async () => {
  const cy = await joinAs('Cy');
  const dee = await joinAs('Dee');
  const deeSocket = await learnerSocket(dee.cookie);
  await deeSocket.hello('steps');

  const spy = await learnerSocket(cy.cookie);
  send(spy, { type: 'watch', learnerId: dee.id, lessonId: 'steps' });
  assert.equal((await spy.waitClosed()).code, CLOSE_BAD_MESSAGE);
  const spy2 = await learnerSocket(cy.cookie);
  await spy2.hello('steps');
  send(spy2, { type: 'watch', learnerId: dee.id, lessonId: 'steps' });
  assert.equal((await spy2.waitClosed()).code, CLOSE_BAD_MESSAGE);
  assert.ok(!spy2.messages.some((m) => m.type === 'watching'));

  const instructor = await instructorSocket();
  send(instructor, { type: 'watch', learnerId: 'no-such-learner', lessonId: 'steps' });
  const unknown = await instructor.next((m) => m.type === 'error');
  assert.ok(unknown.type === 'error' && unknown.code === 'LEARNER_NOT_FOUND');
  const from = instructor.messages.length;
  send(instructor, { type: 'watch', learnerId: dee.id, lessonId: 'no-such-lesson' });
  const noLesson = await instructor.next((m) => m.type === 'error', from);
  assert.ok(noLesson.type === 'error' && noLesson.code === 'LESSON_NOT_FOUND');
  // A malformed instructor message closes the instructor's socket, like any client's.
  instructor.sendRaw(JSON.stringify({ v: 1, type: 'watch', learnerId: 7 }));
  assert.equal((await instructor.waitClosed()).code, CLOSE_BAD_MESSAGE);
  await deeSocket.close();
});

test('a watcher that stops reading neither pauses the learner nor makes the server hold the flood; it catches up', async () => {
  const { learner, instructor } = await watchedLearner('Eve');

  const socket = (instructor.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  socket.pause(); // the instructor's browser stops reading
  const flood = await learner.run('s3.c1'); // its result comes once the shell finished: nothing paused it
  assert.equal(flood.exitCode, 0);
  const bytesBefore = instructor.received.get(0) ?? 0;
  socket.resume();
  // Once its socket drained, the watcher is sent the screen as it now is.
  await instructor.until(
    () =>
      instructor.messages.some((m) => m.type === 'snapshot' && m.term === 0 && /flood-2-done/.test(m.data)) ||
      /flood-2-done/.test(instructor.text(0)),
    60_000,
    'the watcher to catch up with flood-2-done',
  );
  // It was never sent the whole flood: only what fitted before it fell behind (plus the kernel's buffers).
  assert.ok(
    (instructor.received.get(0) ?? 0) < FLOOD_BYTES / 2,
    `the watcher received ${instructor.received.get(0) ?? 0} of ${FLOOD_BYTES} flood bytes (before resume: ${bytesBefore})`,
  );
  await learner.close();
  await instructor.close();
});
