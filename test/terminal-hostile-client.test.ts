// Issue 9, finding 3: one client cannot grow the server's memory without bound.
//  - Input flood: a client offers 400 MB of input to a shell that never reads (raw mode, sleeping). The pty's
//    input queue is bounded and the server stops reading the socket (backpressure), so the flood stays in the
//    kernel's socket buffers and the flooder's own process; the server takes a few MB of it at most.
//  - Lying acks: a client acks 2^31 bytes every 10 ms and never reads its socket while `yes` runs. An ack counts
//    only bytes the socket took, so the pty still pauses.
// After each, an honest client gets a prompt and echo, and Ctrl-C still stops the flood.
// RSS is this process's: the server runs in it; the clients here hold at most one frame each (the flooder waits
// for each send to be taken), so the growth measured is the server's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { FLOW_HIGH_WATERMARK, encodeTerminalFrame } from '../server/protocol/index.ts';
import { MAX_CONCURRENT_CHECKS, MAX_QUEUED_RUNS } from '../server/terminal/limits.ts';

/** The input flood the issue measured (81 → 497 MB of RSS before the fix). */
const INPUT_FLOOD_BYTES = 400 * 1024 * 1024;
/** One input frame (bytes): well under the server's payload cap. */
const INPUT_FRAME_BYTES = 64 * 1024;
/** How long the lying client lies (ms): the 10 s (501 → 972 MB before the fix). */
const LYING_ACK_DURATION_MS = 10_000;
/** The liar's ack period (ms) and claim (bytes, the protocol's largest ack). */
const LYING_ACK_INTERVAL_MS = 10;
const LYING_ACK_BYTES = 2 ** 31;
/** Server RSS may grow at most this much (MiB) under either flood. */
const RSS_GROWTH_LIMIT_MB = 64;
/**
 * The flood has stalled (the server stopped reading) once the flooder's socket took nothing new for this many
 * consecutive samples. It only ends the wait; the assertions are on bytes and memory.
 */
const STALL_SAMPLES = 30;
const SAMPLE_MS = 100;
/** What the server may take of the flood before its socket stops (bytes): the pty queue, one message and the
 *  kernel's socket buffers, generously. Without backpressure it takes all 400 MB. */
const ACCEPTED_INPUT_LIMIT_BYTES = 64 * 1024 * 1024;
/** Requests a non-reading client may send before the test gives up on the server dropping it: each reply is
 *  ~100 bytes, so this is many times MAX_PENDING_SENDS replies and several times MAX_SOCKET_BUFFERED_BYTES. */
const MAX_UNREAD_REPLY_REQUESTS = 1_000_000;
/** One read from the pty (64 KiB): the chunk that crosses the high watermark is still accounted. */
const PTY_READ_BYTES = 64 * 1024;

let t: TestServer;
before(async () => {
  t = await startTestServer({
    lessons: {
      hostile: lessonMarkdown('Hostile', {
        Deaf: bash('stty raw -echo; sleep 100000'),
        Yes: bash('yes'),
        Sleep: bash('sleep 100000'),
        Slow: '```check\n- command: sleep 30\n  exit: 0\n  timeout: 60\n```\n',
      }),
    },
  });
});
after(async () => t?.stop());

/** Samples this process's RSS until stopped; reports the growth over the first sample, in MiB. */
function rssSampler(): { stop(): number } {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return (peak - before) / 2 ** 20;
    },
  };
}

async function honestLearnerGetsEcho(sessionId?: string): Promise<TestClient> {
  const honest = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  await honest.hello('hostile', sessionId);
  return honest;
}

async function typeAndSee(client: TestClient, marker: string): Promise<void> {
  client.type(0, `echo ${marker}-$((6*7))\r`);
  await client.waitForText(0, new RegExp(`${marker}-42`));
}

test('input flood into a shell that never reads: the socket stops being read and RSS stays bounded', async () => {
  const flooder = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  await flooder.hello('hostile');
  const from = flooder.messages.length;
  flooder.send({ type: 'run', cellId: 's1.c1' });
  await flooder.next((m) => m.type === 'runStarted' && m.cellId === 's1.c1', from);
  await sleep(500); // let `stty raw` take effect before the flood (only the flood's content depends on it)

  const rss = rssSampler();
  const frame = encodeTerminalFrame(0, Buffer.alloc(INPUT_FRAME_BYTES, 'x'));
  let taken = 0; // bytes the flooder's socket took (the server read them or the kernel holds them)
  let stopped = false;
  const flood = (async () => {
    for (let offered = 0; offered < INPUT_FLOOD_BYTES && !stopped; offered += INPUT_FRAME_BYTES) {
      const ok = await new Promise<boolean>((resolve) =>
        flooder.ws.send(frame, { binary: true }, (err) => resolve(!err)),
      );
      if (!ok) return;
      taken += INPUT_FRAME_BYTES;
    }
  })();
  let last = -1;
  for (let still = 0; still < STALL_SAMPLES && taken < INPUT_FLOOD_BYTES;) {
    await sleep(SAMPLE_MS);
    still = taken === last ? still + 1 : 0;
    last = taken;
  }
  const growthMb = rss.stop();
  process.stderr.write(
    `input flood: the flooder's socket took ${(taken / 2 ** 20).toFixed(1)} MiB of ${INPUT_FLOOD_BYTES / 2 ** 20}; server RSS +${growthMb.toFixed(1)} MiB\n`,
  );
  try {
    assert.ok(taken < ACCEPTED_INPUT_LIMIT_BYTES, `the server read ${taken} bytes of the flood: no backpressure`);
    assert.ok(growthMb < RSS_GROWTH_LIMIT_MB, `server RSS grew ${growthMb.toFixed(1)} MiB`);
    // The honest learner's page still works: a new session gets a prompt and echo.
    const honest = await honestLearnerGetsEcho();
    await typeAndSee(honest, 'after-input-flood');
    await honest.close();
  } finally {
    stopped = true;
    flooder.ws.terminate();
    await flood;
  }
});

test('lying acks from a client that never reads, while `yes` runs: RSS stays bounded; an honest client then gets Ctrl-C and echo', async () => {
  const liar = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin, autoAck: false });
  const welcome = await liar.hello('hostile');
  const live = t.server.sessions.get(welcome.sessionId)?.terminalInfo(0);
  assert.ok(live);
  const from = liar.messages.length;
  liar.send({ type: 'run', cellId: 's2.c1' });
  await liar.next((m) => m.type === 'runStarted' && m.cellId === 's2.c1', from);
  liar.ws.pause(); // never reads its socket again
  const rss = rssSampler();
  let unackedPeak = 0;
  const lies = setInterval(() => {
    liar.ws.send(JSON.stringify({ v: 1, type: 'ack', term: 0, bytes: LYING_ACK_BYTES }));
    unackedPeak = Math.max(unackedPeak, live.unackedBytes);
  }, LYING_ACK_INTERVAL_MS);
  let heldBack = false;
  try {
    await sleep(LYING_ACK_DURATION_MS);
    // An ack counts only bytes the socket took: though the liar acks everything, `yes` is held back once the
    // kernel's socket buffers (a few MB on loopback) are full. How soon depends on the machine; that it happens
    // while the lies go on is the point (before the fix the lies kept the pty running for ever).
    await liar.until(() => live.outputPaused, 120_000, 'the pty to be held back while the lies go on');
    heldBack = live.outputPaused;
  } finally {
    clearInterval(lies);
  }
  const growthMb = rss.stop();
  process.stderr.write(
    `lying acks: server RSS +${growthMb.toFixed(1)} MiB; unacked peak ${unackedPeak}; output ${live.seq} bytes\n`,
  );
  try {
    assert.ok(growthMb < RSS_GROWTH_LIMIT_MB, `server RSS grew ${growthMb.toFixed(1)} MiB`);
    assert.ok(heldBack, 'the pty is paused while the lies go on');
    assert.ok(
      unackedPeak <= FLOW_HIGH_WATERMARK + PTY_READ_BYTES,
      `the server held ${unackedPeak} unacked bytes at most`,
    );
    // The honest learner reloads the page: same session, the flood still running. Ctrl-C stops it.
    const honest = await honestLearnerGetsEcho(welcome.sessionId);
    const at = honest.messages.length;
    honest.send({ type: 'interrupt', term: 0 });
    const result = await honest.next((m) => m.type === 'runResult' && m.cellId === 's2.c1', at);
    assert.equal(result.type === 'runResult' && result.exitCode, 130, 'yes ended by SIGINT');
    await typeAndSee(honest, 'after-lying-acks');
    await honest.close();
  } finally {
    liar.ws.terminate();
  }
});

test('a client that sends `run` in a loop cannot grow the run queue past MAX_QUEUED_RUNS', async () => {
  const spammer = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  const welcome = await spammer.hello('hostile');
  const sent = MAX_QUEUED_RUNS + 100;
  for (let i = 0; i < sent; i++) spammer.send({ type: 'run', cellId: 's3.c1' });
  try {
    const refused = () => spammer.messages.filter((m) => m.type === 'error' && m.code === 'RUN_QUEUE_FULL').length;
    await spammer.until(() => refused() === sent - MAX_QUEUED_RUNS, 120_000, `${sent - MAX_QUEUED_RUNS} refusals`);
    const shell = t.server.sessions.get(welcome.sessionId)?.terminalInfo(0)?.shell;
    assert.equal(shell?.queuedRuns, MAX_QUEUED_RUNS);
  } finally {
    spammer.ws.terminate();
  }
});

test('a client that asks for replies and never reads them is dropped (MAX_PENDING_SENDS, MAX_SOCKET_BUFFERED_BYTES)', async () => {
  const spammer = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  const welcome = await spammer.hello('hostile');
  const session = t.server.sessions.get(welcome.sessionId);
  assert.ok(session?.attached);
  spammer.ws.pause(); // never reads again
  const rss = rssSampler();
  // Each bad `check` earns an `error` reply (~100 bytes) and makes no terminal output, so flow control never sees it.
  const ask = JSON.stringify({ v: 1, type: 'check', stepId: 'no-such-step' });
  let sent = 0;
  try {
    while (session.attached && sent < MAX_UNREAD_REPLY_REQUESTS) {
      for (let i = 0; i < 1000; i++) spammer.ws.send(ask);
      sent += 1000;
      await new Promise<void>((resolve) => spammer.ws.send(ask, () => resolve())); // our own socket's pace
      await sleep(0);
    }
    await spammer.until(() => !session.attached, 120_000, 'the server to drop the client');
  } finally {
    spammer.ws.terminate();
  }
  const growthMb = rss.stop();
  process.stderr.write(`unread replies: dropped after ${sent} requests; RSS +${growthMb.toFixed(1)} MiB\n`);
  assert.ok(!session.attached, `still attached after ${sent} requests`);
  assert.ok(growthMb < RSS_GROWTH_LIMIT_MB, `server RSS grew ${growthMb.toFixed(1)} MiB`);
});

test('a client that sends `check` in a loop runs at most MAX_CONCURRENT_CHECKS checks at once', async () => {
  const spammer = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  await spammer.hello('hostile');
  const sent = MAX_CONCURRENT_CHECKS + 20;
  for (let i = 0; i < sent; i++) spammer.send({ type: 'check', stepId: 'slow' });
  try {
    const busy = () => spammer.messages.filter((m) => m.type === 'error' && m.code === 'CHECKS_BUSY').length;
    await spammer.until(
      () => busy() === sent - MAX_CONCURRENT_CHECKS,
      120_000,
      `${sent - MAX_CONCURRENT_CHECKS} refusals`,
    );
    assert.equal(
      spammer.messages.filter((m) => m.type === 'checkResult').length,
      0,
      'the admitted checks are still running',
    );
  } finally {
    spammer.ws.terminate();
  }
});
