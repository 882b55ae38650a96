// Issue 4, "Done when" 5 (and 6 on docker): sessions opened and destroyed leave no processes (and no containers)
// behind, and the server's open fds return to their baseline. Each session also starts a background job and a
// setsid'd daemon, which escape the shell's process group and session: destroy must still find them.
// A session leaves the server's table when its close begins; its environment is destroyed after that (a container
// removal takes a while), so every measurement here waits, bounded, for that work to finish.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';
import { TestClient } from './harness/terminal-client.ts';
import { leakTestSessions, leftoverContainers, testBackendName } from './harness/terminal-backend.ts';
import { listProcesses } from '../server/environment/providers/process-table.ts';

/** Sessions opened at once: enough to overlap creation and destruction, few enough for 2 cores. */
const CONCURRENCY = 8;
/**
 * fds the server may hold above its baseline afterwards. 0 would be ideal, but libuv and node-pty open a few
 * lazily (threadpool pipes, a signal pipe) the first time they are needed at a larger scale; a leak per
 * session would show up as hundreds.
 */
const FD_SLACK = 6;
/** How long the last closes may take to finish (ms): 20 container removals queue up in the engine. */
const SETTLE_MS = 120_000;
/** How often the settle waits look again (ms). */
const SETTLE_POLL_MS = 100;

const LESSON = lessonMarkdown('Leaks', {
  Spawn: bash('sleep 1000 & setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo started'),
});

let t: TestServer;
before(async () => {
  t = await startTestServer({
    lessons: { leaks: LESSON },
    limits: { reconnectGraceMs: 0, maxSessions: CONCURRENCY + 1 },
  });
});
after(async () => t?.stop());

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** This process's children before the sessions (the test runtime's own helpers, e.g. tsx's esbuild service). */
let childrenBefore = new Set<number>();

/** New children of this process, and live processes that carry one of `sessionIds` as their session marker. */
function leftovers(sessionIds: Set<string>): string[] {
  const found: string[] = [];
  for (const p of listProcesses()) {
    if (p.state === 'Z' && p.ppid !== process.pid) continue; // a zombie of someone else's, already dead
    if (p.ppid === process.pid) {
      if (childrenBefore.has(p.pid)) continue;
      found.push(`child ${p.pid} (${p.state}): ${commandLine(p.pid)}`);
      continue;
    }
    let environ = '';
    try {
      environ = readFileSync(`/proc/${p.pid}/environ`, 'latin1');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const marker = /(?:^|\0)STEPWISE_SESSION=([^\0]+)/.exec(environ)?.[1];
    if (marker && sessionIds.has(marker)) found.push(`${p.pid} of session ${marker}: ${commandLine(p.pid)}`);
  }
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

async function oneSession(ids: Set<string>): Promise<void> {
  const client = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
  const welcome = await client.hello('leaks');
  ids.add(welcome.sessionId);
  const r = await client.run('s1.c1');
  assert.match(r.output, /started$/);
  await client.close();
}

test(`${leakTestSessions()} sessions on the ${testBackendName()} backend leave no processes and no fds`, async () => {
  const ids = new Set<string>();
  childrenBefore = new Set(
    listProcesses()
      .filter((p) => p.ppid === process.pid)
      .map((p) => p.pid),
  );
  await oneSession(ids); // warm-up: first-use fds (ws, pty library, mirror) are not leaks
  await waitForQuiet(ids);
  const baseline = openFds();

  const total = leakTestSessions();
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await oneSession(ids);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  assert.equal(ids.size, total + 1);

  const left = await waitForQuiet(ids);
  assert.deepEqual(left, [], 'no process or container of any session is left');
  const fds = await fdsBackTo(baseline + FD_SLACK);
  assert.ok(fds <= baseline + FD_SLACK, `open fds: ${fds} after, ${baseline} before`);
  process.stderr.write(`leaks: ${total} sessions; fds ${baseline} → ${fds}\n`);
});

/** Waits (bounded) until every session is closed and its environment destroyed; returns what is still left. */
async function waitForQuiet(ids: Set<string>): Promise<string[]> {
  const deadline = Date.now() + SETTLE_MS;
  const stillThere = async () => [
    ...leftovers(ids),
    ...(await leftoverContainers(t.server.sessions.provider.driver, ids)),
  ];
  let left = await stillThere();
  while ((t.server.sessions.count > 0 || left.length > 0) && Date.now() < deadline) {
    await sleep(SETTLE_POLL_MS);
    left = await stillThere();
  }
  assert.equal(t.server.sessions.count, 0, 'every session closed');
  return left;
}

/**
 * Open fds once they are at most `limit`, or after SETTLE_MS. Connections of closes that are still finishing (the
 * engine's answer to a removal, the shell's kill exec) close within moments; a leak never does.
 */
async function fdsBackTo(limit: number): Promise<number> {
  const deadline = Date.now() + SETTLE_MS;
  let fds = openFds();
  while (fds > limit && Date.now() < deadline) {
    await sleep(SETTLE_POLL_MS);
    fds = openFds();
  }
  return fds;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
