// ShellTerminal (server/terminal/shell-terminal.ts) on a real pty from the backend named by
// STEPWISE_TEST_BACKEND: timeouts, floods, shell exit, and a learner who changes the prompt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Backend, SessionEnv } from '../server/environment/backend.ts';
import { ShellTerminal } from '../server/terminal/shell-terminal.ts';
import { TerminalError } from '../server/terminal/errors.ts';
import { OUTPUT_CAP_BYTES } from '../server/terminal/output-capture.ts';
import { LocalBackend } from '../server/environment/providers/local.ts';
import { openTestEnvironment, testBackendName, type TestEnvironment } from './harness/terminal-backend.ts';
import { Environment } from '../server/environment/index.ts';

const SIZE = { cols: 80, rows: 24 };
let dir: string;
let backend: Backend;
let env: SessionEnv;
let opened: TestEnvironment | undefined;

before(async () => {
  opened = await openTestEnvironment('shell');
  ({ dir, backend, env } = opened);
});
after(async () => opened?.close());

test('a run past its timeout is interrupted and says so', async () => {
  const shell = await ShellTerminal.open(new Environment(backend, env), SIZE);
  try {
    const r = await shell.run('echo before; sleep 300', { timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, 130);
    assert.match(r.output, /^before/);
    assert.equal((await shell.run('echo next')).output, 'next', 'the shell is usable afterwards');
  } finally {
    shell.dispose();
  }
});

test('a flood is captured up to the cap, marked truncated, with its end', async () => {
  const shell = await ShellTerminal.open(new Environment(backend, env), SIZE);
  try {
    const r = await shell.run('seq 1 200000; echo the-end');
    assert.equal(r.exitCode, 0);
    assert.equal(r.truncated, true);
    assert.ok(Buffer.byteLength(r.output) <= OUTPUT_CAP_BYTES);
    assert.match(r.output, /^1\n2\n3\n/);
    assert.match(r.output, /199999\n200000\nthe-end$/);
  } finally {
    shell.dispose();
  }
});

test('runs still end when the learner replaces PS1 (the prompt markers are gone)', async () => {
  const shell = await ShellTerminal.open(new Environment(backend, env), SIZE);
  try {
    await shell.run("PS1='$ '");
    assert.equal((await shell.run('echo still-works')).output, 'still-works');
    const [a, b] = await Promise.all([shell.run('echo a'), shell.run('false')]);
    assert.deepEqual([a.output, b.exitCode], ['a', 1]);
  } finally {
    shell.dispose();
  }
});

test('when the shell exits, the running run ends, queued ones fail with SHELL_EXITED, and exit is reported', async () => {
  const shell = await ShellTerminal.open(new Environment(backend, env), SIZE);
  const exited = new Promise<number | null>((resolve) => shell.onExit(({ exitCode }) => resolve(exitCode)));
  const running = shell.run('exit 4');
  const queued = shell.run('echo never');
  assert.equal((await running).exitCode, null);
  await assert.rejects(queued, (e: unknown) => e instanceof TerminalError && e.code === 'SHELL_EXITED');
  assert.equal(await exited, 4);
  assert.equal(shell.exited, true);
  await assert.rejects(shell.run('echo late'), (e: unknown) => e instanceof TerminalError && e.code === 'SHELL_EXITED');
  shell.dispose();
});

test('dispose fails pending runs with DISPOSED', async () => {
  const shell = await ShellTerminal.open(new Environment(backend, env), SIZE);
  const pending = shell.run('sleep 300');
  shell.dispose();
  await assert.rejects(pending, (e: unknown) => e instanceof TerminalError && e.code === 'DISPOSED');
});

test(
  'a shell that is not bash fails to start with a clear error',
  { skip: testBackendName() !== 'local' ? 'local-only: the shell binary is chosen on the host' : false },
  async () => {
    const notBash = new LocalBackend({ baseDir: join(dir, 'sh'), dockerHost: null, shell: 'sh' });
    const e2 = await notBash.create({ sessionId: 'sh', lessonId: 'x', lessonDir: dir, requires: [] });
    try {
      await assert.rejects(
        ShellTerminal.open(new Environment(notBash, e2), SIZE),
        (e: unknown) =>
          e instanceof TerminalError &&
          e.code === 'SHELL_START_FAILED' &&
          /exited before its first prompt/.test(e.message),
      );
    } finally {
      await notBash.destroy(e2);
    }
  },
);
