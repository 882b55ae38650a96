// The Backend contract, run side by side on `local` and on `docker` in one file: what checks and terminals rely on
// must not depend on where the learner's shell lives. (The terminal and http suites run on one backend per run,
// chosen by STEPWISE_TEST_BACKEND in test/harness/terminal-backend.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { BackendError } from '../server/environment/backend.ts';
import type { Backend, BackendName, SessionEnv } from '../server/environment/backend.ts';
import { DockerBackend } from '../server/environment/providers/docker.ts';
import { LocalBackend } from '../server/environment/providers/local.ts';
import { MANAGED_LABEL, SCOPE_LABEL } from '../server/environment/providers/docker-container-spec.ts';
import { ShellTerminal } from '../server/terminal/shell-terminal.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import { requireDockerHost } from './harness/env.ts';
import { Environment } from '../server/environment/index.ts';

/** Bounds one probe command; the machine is slow, the commands are not. Unit: ms. */
const EXEC_TIMEOUT_MS = 30_000;
/** Sessions opened and destroyed per backend in the leak check (the docker suite's own test does 20). */
const LEAK_ROUNDS = 5;

async function firstMember(stream: Readable): Promise<{ name: string; type: string; body: string }> {
  const extract = tar.extract();
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.pipe(extract);
  for await (const entry of extract) {
    let body = '';
    for await (const chunk of entry) body += (chunk as Buffer).toString('utf8');
    stream.destroy();
    return { name: entry.header.name, type: entry.header.type, body };
  }
  throw new Error('empty archive');
}

let counter = 0;
const sessionId = () => `conf-${process.pid}-${++counter}`;

interface BackendUnderTest {
  backend: Backend;
  /** Environments still present: session folders (local) or labelled containers (docker). */
  leftovers(): Promise<number>;
  cleanup(): Promise<void>;
}

async function makeBackend(name: BackendName): Promise<BackendUnderTest> {
  if (name === 'local') {
    const baseDir = await mkdtemp(join(tmpdir(), 'stepwise-conformance-'));
    return {
      backend: new LocalBackend({ baseDir, dockerHost: null }),
      leftovers: async () => (await readdir(baseDir)).length,
      cleanup: () => rm(baseDir, { recursive: true, force: true }),
    };
  }
  const docker = dockerFromHost(requireDockerHost());
  const scope = `conformance-${process.pid}-${Date.now()}`;
  const containers = () =>
    docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=1`, `${SCOPE_LABEL}=${scope}`] } });
  return {
    backend: new DockerBackend({ docker, scope }),
    leftovers: async () => (await containers()).length,
    cleanup: async () => {
      for (const c of await containers()) await docker.getContainer(c.Id).remove({ force: true });
    },
  };
}

/** The suite once per backend; a backend that cannot be made fails its suite's `before` with the reason. */
function describeBackends(title: string, fn: (get: () => BackendUnderTest) => void): void {
  for (const name of ['local', 'docker'] as const) {
    describe(`${title} [${name}]`, () => {
      let current: BackendUnderTest | undefined;
      before(async () => {
        current = await makeBackend(name);
      });
      after(async () => {
        await current?.cleanup();
      });
      fn(() => {
        if (!current) throw new Error(`the ${name} backend was not set up (see the failing before hook)`);
        return current;
      });
    });
  }
}

describeBackends('the backend contract', (get) => {
  const create = (requires: string[] = []): Promise<SessionEnv> =>
    get().backend.create({ sessionId: sessionId(), lessonId: 'conformance', lessonDir: tmpdir(), requires });

  test('cells run through shell integration: output, exit codes, a queued run, a multi-line cell', async () => {
    const { backend } = get();
    const env = await create();
    const shell = await ShellTerminal.open(new Environment(backend, env), { cols: 100, rows: 30 });
    try {
      const hi = await shell.run('echo hi');
      assert.equal(hi.output, 'hi');
      assert.equal(hi.exitCode, 0);
      assert.equal((await shell.run('false')).exitCode, 1);
      const slow = shell.run('sleep 1; echo slept');
      const queued = shell.run('echo after');
      assert.equal(shell.busy, true);
      assert.equal((await slow).output, 'slept');
      assert.equal((await queued).output, 'after');
      const multi = await shell.run('echo one\necho two\n(exit 3)');
      assert.equal(multi.output, 'one\ntwo');
      assert.equal(multi.exitCode, 3);
      const pid = (await shell.run('echo $$')).output;
      assert.equal((await shell.run('echo $$')).output, pid, 'the same shell answers every run');
    } finally {
      shell.dispose();
      await backend.destroy(env);
    }
  });

  test('what a cell writes, checks read back through readTar and exec, relative to the working directory', async () => {
    const { backend } = get();
    const env = await create();
    const shell = await ShellTerminal.open(new Environment(backend, env), { cols: 80, rows: 24 });
    try {
      assert.equal(
        (await shell.run('mkdir -p made && printf "content\\n" > made/file.txt && chmod 640 made/file.txt')).exitCode,
        0,
      );
      const member = await firstMember(await backend.readTar(env, 'made/file.txt'));
      assert.deepEqual(member, { name: 'made/file.txt', type: 'file', body: 'content\n' });
      const listing = await backend.exec(env, ['bash', '-c', 'stat -c "%a %s" made/file.txt; pwd'], {
        timeoutMs: EXEC_TIMEOUT_MS,
      });
      assert.equal(listing.stdout, `640 8\n${env.workdir}\n`);
      await assert.rejects(
        backend.readTar(env, 'made/missing'),
        (e: unknown) => e instanceof BackendError && e.code === 'NOT_FOUND',
      );
    } finally {
      shell.dispose();
      await backend.destroy(env);
    }
  });

  test('an exec timeout reports 124 and kills what the command started', async () => {
    const { backend } = get();
    const env = await create();
    try {
      const r = await backend.exec(env, ['bash', '-c', 'sleep 7373 & sleep 7374'], { timeoutMs: 500 });
      assert.equal(r.exitCode, 124);
      assert.equal(r.timedOut, true);
      const ps = await backend.exec(env, ['bash', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "'], {
        timeoutMs: EXEC_TIMEOUT_MS,
      });
      assert.doesNotMatch(ps.stdout, /sleep 737[34]/);
    } finally {
      await backend.destroy(env);
    }
  });

  test(`${LEAK_ROUNDS} sessions with a terminal each, destroyed, leave nothing behind`, async () => {
    const fixture = get();
    const { backend } = fixture;
    const leftovers = () => fixture.leftovers();
    const before = await leftovers();
    for (let i = 0; i < LEAK_ROUNDS; i++) {
      const env = await create();
      const shell = await ShellTerminal.open(new Environment(backend, env), { cols: 80, rows: 24 });
      assert.equal((await shell.run('sleep 600 & echo started')).output.endsWith('started'), true);
      shell.dispose();
      await backend.destroy(env);
      await backend.destroy(env); // idempotent
    }
    assert.equal(await leftovers(), before);
  });
});
