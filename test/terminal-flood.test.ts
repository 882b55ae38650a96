// Issue 4, "Done when" 3: a `yes` flood read by a slow client: it sits behind a slow link and acks slowly.
// The server holds the shell back (flow control), so after Ctrl-C the client sees at most the high watermark
// plus one batch more, and the server's memory stays bounded. Without flow control the server would queue
// the whole flood for the slow link, and all of it would still arrive after Ctrl-C.
// On docker the engine's own buffers sit between the shell and the server, beyond both flow control and the kernel's
// flush on Ctrl-C. The bound there adds what the engine actually delivered to the server after Ctrl-C, measured in
// this run (the server's byte count, seq, before and after), never an implementation constant: raising one cannot
// loosen this test. What the test holds the server to is its own share: the bytes it had read but not yet delivered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { startSlowLink, type SlowLink } from './harness/slow-link.ts';
import { testBackendName } from './harness/terminal-backend.ts';
import { ACK_EVERY_BYTES, FLOW_HIGH_WATERMARK } from '../server/protocol/index.ts';
import { BATCH_MAX_BYTES } from '../server/terminal/output-batcher.ts';

/** The link carries this many bytes per second to the client: far below what `yes` writes. */
const LINK_BYTES_PER_SECOND = 2 * 1024 * 1024;
/** The client acks at most one ACK_EVERY_BYTES this often (ms), like a busy browser tab. */
const SLOW_ACK_INTERVAL_MS = 10;
/** The flood runs until the client has seen this much, so the pty was paused and resumed many times. */
const FLOOD_BYTES = 4 * 1024 * 1024;
/** After the flood's last byte: "^C", the end-of-command marker and the next prompt. */
const PROMPT_ALLOWANCE_BYTES = 1024;
/** One read from the pty (64 KiB): the chunk that crosses the watermark is still accounted and sent. */
const PTY_READ_BYTES = 64 * 1024;
/** Server RSS may grow this much during the flood (MiB); without flow control it grows by the flood's size. */
const RSS_GROWTH_LIMIT_MB = 64;

let t: TestServer;
let link: SlowLink;
before(async () => {
  t = await startTestServer({ lessons: { flood: lessonMarkdown('Flood', { Yes: bash('yes') }) } });
  link = await startSlowLink(t.server.port, LINK_BYTES_PER_SECOND);
});
after(async () => {
  await link?.close();
  await t?.stop();
});

const onDocker = testBackendName() === 'docker';

test(`Ctrl-C during a flood stops output within the high watermark plus one batch${onDocker ? ' plus what the engine still held' : ''}; RSS stays bounded`, async () => {
  const origin = `http://127.0.0.1:${link.port}`;
  const client = await TestClient.connect(`ws://127.0.0.1:${link.port}/ws`, {
    cookie: t.cookie,
    origin,
    autoAck: false,
  });
  const welcome = await client.hello('flood');
  const live = t.server.sessions.get(welcome.sessionId)?.terminalInfo(0);
  assert.ok(live);
  const ackedSoFar = () => client.acked.get(0) ?? 0;
  const receivedSoFar = () => client.received.get(0) ?? 0;
  client.ack(0, receivedSoFar()); // the first prompt
  const slowAcks = setInterval(
    () => client.ack(0, Math.min(ACK_EVERY_BYTES, receivedSoFar() - ackedSoFar())),
    SLOW_ACK_INTERVAL_MS,
  );

  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let unackedPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    unackedPeak = Math.max(unackedPeak, live.unackedBytes);
  }, 10);

  try {
    const from = client.messages.length;
    client.send({ type: 'run', cellId: 's1.c1' });
    await client.until(() => receivedSoFar() >= FLOOD_BYTES, 300_000, `${FLOOD_BYTES} bytes of flood`);
    const atInterrupt = receivedSoFar();
    const seqAtInterrupt = live.seq; // bytes the server has read from the backend so far
    client.send({ type: 'interrupt', term: 0 });
    const result = await client.next((m) => m.type === 'runResult' && m.cellId === 's1.c1', from, 300_000);
    assert.equal(result.type === 'runResult' && result.exitCode, 130, 'yes ended by SIGINT');
    assert.equal(result.type === 'runResult' && result.truncated, true);
    // Drain: keep acking slowly until the server owes nothing and the prompt is back.
    await client.until(
      () => live.unackedBytes === 0 && /\x1b\]133;B\x07$/.test(client.text(0).slice(-200)),
      300_000,
      'the stream to drain',
    );
    const afterInterrupt = receivedSoFar() - atInterrupt;
    // What the backend delivered to the server after Ctrl-C: locally the kernel flushed the pty, so at most the read
    // in flight and the prompt; on docker, also what the engine's buffers held, measured here.
    const deliveredAfterInterrupt = live.seq - seqAtInterrupt;
    if (!onDocker) {
      const flushBound = PTY_READ_BYTES + PROMPT_ALLOWANCE_BYTES;
      assert.ok(
        deliveredAfterInterrupt <= flushBound,
        `the pty delivered ${deliveredAfterInterrupt} bytes after Ctrl-C; bound ${flushBound}`,
      );
    }
    const engineHeld = onDocker ? deliveredAfterInterrupt : 0;
    const bound = FLOW_HIGH_WATERMARK + BATCH_MAX_BYTES + PROMPT_ALLOWANCE_BYTES + engineHeld;
    assert.ok(
      afterInterrupt <= bound,
      `after Ctrl-C the client got ${afterInterrupt} bytes; bound ${bound} (engine held ${engineHeld})`,
    );
    assert.ok(unackedPeak <= FLOW_HIGH_WATERMARK + PTY_READ_BYTES, `server held ${unackedPeak} unacked bytes at most`);
    const growthMb = (rssPeak - rssBefore) / 2 ** 20;
    assert.ok(
      growthMb < RSS_GROWTH_LIMIT_MB,
      `RSS grew ${growthMb.toFixed(1)} MiB during a ${(receivedSoFar() / 2 ** 20).toFixed(1)} MiB flood`,
    );
    process.stderr.write(
      `flood: ${afterInterrupt} bytes after Ctrl-C (bound ${bound}; backend delivered ${deliveredAfterInterrupt} after it); unacked peak ${unackedPeak}; RSS +${growthMb.toFixed(1)} MiB\n`,
    );
  } finally {
    clearInterval(slowAcks);
    clearInterval(sampler);
    await client.close();
  }
});
