// Issue 4, "Done when" 2: a session outlives its socket; a reconnect gets the same shell and its screen back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { CLOSE_REPLACED } from '../server/protocol/index.ts';

const LESSON = lessonMarkdown('Reattach', {
  Pid: `${bash('echo $$')}\n${bash('echo marker-$((40+2))-before')}\n${bash('seq 1 3000 | tail -n 1; echo after-$((1+1))')}`,
});

let t: TestServer;
before(async () => {
  t = await startTestServer({ lessons: { reattach: LESSON } });
});
after(async () => t?.stop());

function connect(): Promise<TestClient> {
  return TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
}

test('reconnecting within the grace period: same shell, screen restored from the snapshot, no byte lost or doubled', async () => {
  const first = await connect();
  const welcome = await first.hello('reattach');
  const pid = (await first.run('s1.c1')).output;
  assert.match(pid, /^\d+$/);
  assert.equal((await first.run('s1.c2')).output, 'marker-42-before');
  await first.close();

  const second = await connect();
  const again = await second.hello('reattach', welcome.sessionId);
  assert.equal(again.sessionId, welcome.sessionId);
  assert.equal(again.fresh, false);
  const snapshot = second.messages.find((m) => m.type === 'snapshot' && m.term === 0);
  assert.ok(snapshot && snapshot.type === 'snapshot');
  assert.match(snapshot.data, /marker-42-before/, 'the restored screen holds the earlier output');
  assert.ok(snapshot.seq > 0);
  assert.equal((await second.run('s1.c1')).output, pid, 'echo $$ is unchanged: the same shell');

  // The live stream carries on from the snapshot's seq: the server's byte count equals the snapshot's seq
  // plus every byte received since, so nothing was skipped or sent twice.
  await second.run('s1.c3');
  const live = t.server.sessions.get(welcome.sessionId)?.terminalInfo(0);
  assert.ok(live);
  await second.until(
    () => snapshot.seq + (second.received.get(0) ?? 0) === live.seq,
    60_000,
    'every byte after the snapshot',
  );
  assert.equal(second.text(0).split('echo after-$((1+1))').length - 1, 1, 'the typed command once');
  assert.equal(second.text(0).split('after-2').length - 1, 1, 'its output once');
  await second.close();
});

test('a second connection to the same session replaces the first, which is told why', async () => {
  const one = await connect();
  const welcome = await one.hello('reattach');
  const two = await connect();
  await two.hello('reattach', welcome.sessionId);
  const closed = await one.waitClosed();
  assert.equal(closed.code, CLOSE_REPLACED);
  assert.match((await two.run('s1.c2')).output, /marker-42-before/);
  await two.close();
});

test('a session id for another lesson, or an unknown one, starts a fresh session', async () => {
  const c = await connect();
  const welcome = await c.hello('reattach', 'no-such-session-id');
  assert.equal(welcome.fresh, true);
  assert.notEqual(welcome.sessionId, 'no-such-session-id');
  await c.close();
});

test('after the grace period the session and its shell are gone', async () => {
  const short = await startTestServer({ lessons: { reattach: LESSON }, limits: { reconnectGraceMs: 0 } });
  try {
    const c = await TestClient.connect(short.wsUrl, { cookie: short.cookie, origin: short.origin });
    const welcome = await c.hello('reattach');
    await c.close();
    await c.until(() => short.server.sessions.get(welcome.sessionId) === undefined, 60_000, 'the session to close');
    const d = await TestClient.connect(short.wsUrl, { cookie: short.cookie, origin: short.origin });
    assert.equal((await d.hello('reattach', welcome.sessionId)).fresh, true);
    await d.close();
  } finally {
    await short.stop();
  }
});
