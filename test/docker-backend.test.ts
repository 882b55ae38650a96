// The docker backend against the test harness's private engine: the container's confinement as the engine
// reports it and as the learner sees it from inside, destroy and leaks, exec with timeouts, files in and out
// (with the same tar layout as the local backend), terminals over exec, and the refusal of Docker lessons.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { BackendError } from '../server/environment/backend.ts';
import type { Backend, PtyHandle, SessionEnv } from '../server/environment/backend.ts';
import { DockerBackend } from '../server/environment/providers/docker.ts';
import { REFUSE_DOCKER_MESSAGE } from '../server/lesson/index.ts';
import { ENGINE_OUTPUT_BUFFER_BYTES } from '../server/environment/providers/docker-pty.ts';
import { LocalBackend } from '../server/environment/providers/local.ts';
import {
  MANAGED_LABEL,
  MEMORY_LIMIT_BYTES,
  PIDS_LIMIT,
  SCOPE_LABEL,
  SESSION_LABEL,
} from '../server/environment/providers/docker-container-spec.ts';
import { LEARNER_HOME } from '../server/environment/providers/docker-learner.ts';
import { WARM_SESSION_PREFIX } from '../server/environment/providers/docker-warm-pool.ts';
import {
  CONTENT_LABEL,
  DEFAULT_SHELL_IMAGE,
  describeShellRootfs,
  ensureShellImage,
} from '../server/environment/providers/docker-shell-image.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import { requireDockerHost } from './harness/env.ts';

/** DoD 6 of issue 4: this many containers made and destroyed must leave none behind. */
const LEAK_TEST_CONTAINERS = 20;
/** Containers created at once in the leak test: enough to overlap creates and removes on a 2-core machine. */
const LEAK_TEST_PARALLEL = 4;
const EXEC_TIMEOUT_MS = 30_000;

const SCOPE = `test-${process.pid}-${Date.now()}`;
let docker: Docker;
let backend: DockerBackend;
let sessionCounter = 0;
const made: SessionEnv[] = [];

function newSessionId(): string {
  return `dbt-${process.pid}-${++sessionCounter}`;
}

async function createEnv(b: Backend = backend, requires: string[] = []): Promise<SessionEnv> {
  const env = await b.create({
    sessionId: newSessionId(),
    lessonId: 'docker-backend-test',
    lessonDir: tmpdir(),
    requires,
  });
  made.push(env);
  return env;
}

async function scopeContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=1`, `${SCOPE_LABEL}=${SCOPE}`] } });
}

async function sh(env: SessionEnv, script: string, b: Backend = backend) {
  return b.exec(env, ['bash', '-c', script], { timeoutMs: EXEC_TIMEOUT_MS });
}

/**
 * "name:type[:linkname]" for every member, in order. Of two hard links, whichever the archiver meets first is
 * stored as the file and the other as a link to it; GNU tar meets them in readdir order and the engine in name
 * order, so with `sameLinks` both members of a pair read "name:hardlinked".
 */
async function tarListing(stream: Readable, opts: { sameLinks?: boolean } = {}): Promise<string[]> {
  const extract = tar.extract();
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.pipe(extract);
  const members: { name: string; desc: string }[] = [];
  const linkTargets = new Set<string>();
  for await (const entry of extract) {
    const h = entry.header;
    if (opts.sameLinks && h.type === 'link' && h.linkname) {
      linkTargets.add(h.linkname);
      members.push({ name: h.name, desc: 'hardlinked' });
    } else {
      members.push({ name: h.name, desc: h.linkname ? `${h.type}:${h.linkname}` : h.type });
    }
    entry.resume();
  }
  return members.map((m) => `${m.name}:${linkTargets.has(m.name) ? 'hardlinked' : m.desc}`);
}

async function tarFile(stream: Readable, name: string): Promise<string | undefined> {
  const extract = tar.extract();
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.pipe(extract);
  let found: string | undefined;
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.name === name) found = Buffer.concat(chunks).toString('utf8');
  }
  return found;
}

/** Patterns are looked for in this much of the newest output (a flood must not make every chunk rescan MBs). */
const MATCH_WINDOW_CHARS = 64 * 1024;

/** Collects a terminal's output and resolves when `pattern` appears in it. */
function terminalReader(pty: PtyHandle) {
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  pty.onData((chunk) => {
    text += chunk.toString('utf8');
    const recent = text.slice(-MATCH_WINDOW_CHARS);
    for (const w of [...waiters]) {
      if (w.pattern.test(recent)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  return {
    get text() {
      return text;
    },
    waitFor(pattern: RegExp): Promise<void> {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

before(async () => {
  docker = dockerFromHost(requireDockerHost());
  await docker.ping();
  backend = new DockerBackend({ docker, scope: SCOPE });
});

after(async () => {
  for (const env of made) await backend.destroy(env);
  const left = await scopeContainers();
  for (const c of left) await docker.getContainer(c.Id).remove({ force: true });
  assert.equal(left.length, 0, `containers left behind: ${left.map((c) => c.Names.join(',')).join(' ')}`);
});

describe('the stepwise/shell image', () => {
  test('is built from the host, a few MB, runs as the learner, and is rebuilt only when its content label differs', async () => {
    const rootfs = await describeShellRootfs();
    await ensureShellImage(docker, DEFAULT_SHELL_IMAGE);
    const image = await docker.getImage(DEFAULT_SHELL_IMAGE).inspect();
    assert.equal(image.Config.Labels?.[CONTENT_LABEL], rootfs.hash);
    assert.equal(image.Config.User, '1000:1000');
    assert.equal(image.Config.WorkingDir, LEARNER_HOME);
    assert.ok(image.Size < 32 * 1024 * 1024, `image is ${image.Size} bytes`);

    // A stale image under another name: imported with a wrong label, then replaced by ensureShellImage.
    const name = `stepwise-test/shell-${process.pid}:stale`;
    const stale = tar.pack();
    stale.entry({ name: 'marker', type: 'file', size: 1 }, 'x');
    stale.finalize();
    const progress = await docker.importImage(stale as unknown as NodeJS.ReadableStream, {
      repo: name.split(':')[0],
      tag: 'stale',
      changes: [`LABEL ${CONTENT_LABEL}=not-the-hash`],
    });
    for await (const _ of progress as unknown as Readable); // drain: the import is done when its progress ends
    try {
      const first = await ensureShellImage(docker, name);
      assert.equal(first.built, true, 'a stale image is rebuilt');
      assert.equal((await docker.getImage(name).inspect()).Config.Labels?.[CONTENT_LABEL], rootfs.hash);
      const again = await ensureShellImage(dockerFromHost(requireDockerHost()), name);
      assert.equal(again.built, false, 'a current image is left alone');
    } finally {
      await docker.getImage(name).remove({ force: true });
    }
  });

  test('holds bash, coreutils, tar and gzip that work, and a learner with uid 1000', async () => {
    const env = await createEnv();
    const r = await sh(
      env,
      [
        'set -e; echo hello > f; tar -czf f.tgz f; rm f; tar -xzf f.tgz; cat f; gzip -c f | gunzip',
        'id -un; ls -ld /tmp | cut -c1-10; echo "$HOME"; grep -c learner /etc/passwd; sed s/l/L/g f',
      ].join('\n'),
    );
    assert.equal(r.stderr, '');
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, `hello\nhello\nlearner\ndrwxrwxrwt\n${LEARNER_HOME}\n1\nheLLo\n`);
  });
});

describe('a learner container', () => {
  test('runs as uid 1000 with every capability dropped, no-new-privileges, pids and memory limits and no network', async () => {
    const env = await createEnv();
    const info = await docker.getContainer(backend.containerId(env)).inspect();
    assert.equal(info.Config.User, '1000:1000');
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
    assert.deepEqual(info.HostConfig.SecurityOpt, ['no-new-privileges']);
    assert.equal(info.HostConfig.Privileged, false);
    assert.equal(info.HostConfig.PidsLimit, PIDS_LIMIT);
    assert.equal(info.HostConfig.Memory, MEMORY_LIMIT_BYTES);
    assert.equal(info.HostConfig.NetworkMode, 'none');
    assert.equal(info.HostConfig.Init, true);
    assert.equal(info.Config.Labels[SESSION_LABEL], env.id);
    assert.equal(info.Config.Labels[MANAGED_LABEL], '1');
    assert.equal(info.State.Running, true);

    // And as the learner sees it from inside.
    const r = await sh(
      env,
      'id -u; id -g; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs):" /proc/self/status; ls /sys/class/net',
    );
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^1000\n1000\n/);
    assert.match(r.stdout, /CapPrm:\s+0000000000000000/);
    assert.match(r.stdout, /CapEff:\s+0000000000000000/);
    assert.match(r.stdout, /CapBnd:\s+0000000000000000/);
    assert.match(r.stdout, /NoNewPrivs:\s+1/);
    assert.match(r.stdout, /^lo$/m);
    assert.doesNotMatch(r.stdout, /^eth/m);
  });

  test('the kernel enforces the pids and memory limits inside it', async () => {
    const env = await createEnv();
    // cgroup v2 shows the container's own limits at the root of its cgroup namespace; v1 under each controller.
    const r = await sh(
      env,
      'cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max 2>/dev/null || ' +
        'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes',
    );
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `${PIDS_LIMIT}\n${MEMORY_LIMIT_BYTES}\n`);
  });

  test('destroy removes the container, twice is fine, and the session is gone', async () => {
    const env = await createEnv();
    const id = backend.containerId(env);
    await backend.destroy(env);
    await assert.rejects(
      docker.getContainer(id).inspect(),
      (err: unknown) => (err as { statusCode?: number }).statusCode === 404,
    );
    await backend.destroy(env);
    await assert.rejects(sh(env, 'true'), (err: unknown) => err instanceof BackendError && err.code === 'NOT_FOUND');
  });

  test(`${LEAK_TEST_CONTAINERS} containers created and destroyed leave none behind`, async () => {
    const before = (await scopeContainers()).length;
    for (let i = 0; i < LEAK_TEST_CONTAINERS; i += LEAK_TEST_PARALLEL) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(LEAK_TEST_PARALLEL, LEAK_TEST_CONTAINERS - i) }, () => createEnv()),
      );
      assert.equal((await scopeContainers()).length, before + batch.length);
      await Promise.all(batch.map((env) => backend.destroy(env)));
    }
    assert.equal((await scopeContainers()).length, before);
  });

  test('list() offers containers this instance did not make (a restarted server reaps them), and only in its scope', async () => {
    const env = await createEnv();
    assert.deepEqual(await backend.list(), [], 'its own live sessions are not offered');
    const restarted = new DockerBackend({ docker, scope: SCOPE });
    assert.ok((await restarted.list()).includes(env.id));
    const otherServer = new DockerBackend({ docker, scope: `${SCOPE}-other` });
    assert.ok(!(await otherServer.list()).includes(env.id));
    const id = backend.containerId(env);
    await restarted.destroy(env); // by label: `restarted` never had it in its table
    await assert.rejects(
      docker.getContainer(id).inspect(),
      (err: unknown) => (err as { statusCode?: number }).statusCode === 404,
    );
    assert.ok(!(await restarted.list()).includes(env.id));
  });

  test('refuses lessons that require Docker, with a clear reason, and makes no container', async () => {
    const before = (await scopeContainers()).length;
    await assert.rejects(createEnv(backend, ['docker']), (err: unknown) => {
      assert.ok(err instanceof BackendError);
      assert.equal(err.code, 'REQUIRES_UNMET');
      assert.equal(err.message, REFUSE_DOCKER_MESSAGE);
      assert.match(err.message, /require Docker/);
      assert.match(err.message, /--backend local/);
      return true;
    });
    assert.equal((await scopeContainers()).length, before);
  });

  test('has no Docker engine for checks', async () => {
    const env = await createEnv();
    assert.equal(backend.engine(env), null);
  });
});

describe('exec', () => {
  test('separates stdout and stderr, passes stdin, env and cwd, and reports the exit code', async () => {
    const env = await createEnv();
    const r = await backend.exec(env, ['bash', '-c', 'echo "out:$GREETING:$(pwd)"; echo err >&2; cat; exit 7'], {
      timeoutMs: EXEC_TIMEOUT_MS,
      env: { GREETING: 'hi there' },
      cwd: '/tmp',
      stdin: 'typed input\n',
    });
    assert.equal(r.exitCode, 7);
    assert.equal(r.stdout, 'out:hi there:/tmp\ntyped input\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.timedOut, false);
  });

  test('handles argv with spaces, quotes and newlines without a shell in between', async () => {
    const env = await createEnv();
    const hostile = `a b'c"d$(id)\n;e`;
    const r = await backend.exec(env, ['printf', '%s', hostile], { timeoutMs: EXEC_TIMEOUT_MS });
    assert.equal(r.stdout, hostile);
  });

  test('a timeout kills the whole unit, background jobs too, reports 124 and leaves the container running', async () => {
    const env = await createEnv();
    const r = await backend.exec(env, ['bash', '-c', 'sleep 4242 & setsid sleep 4243 & sleep 4244; echo never'], {
      timeoutMs: 1000,
    });
    assert.equal(r.exitCode, 124);
    assert.equal(r.timedOut, true);
    assert.equal(r.stdout, '');
    const ps = await sh(env, 'cat /proc/[0-9]*/cmdline | tr "\\0" " "');
    assert.doesNotMatch(ps.stdout, /sleep 424[234]/);
    assert.match(ps.stdout, /sleep infinity/, 'the container itself lives on');
  });

  test('a missing command is an exit code, not an exception', async () => {
    const env = await createEnv();
    const r = await backend.exec(env, ['no-such-command-here'], { timeoutMs: EXEC_TIMEOUT_MS });
    assert.ok(r.exitCode === 126 || r.exitCode === 127, `exit ${r.exitCode}`);
  });
});

describe('files', () => {
  let local: LocalBackend;
  let localBase: string;
  before(async () => {
    localBase = await mkdtemp(join(tmpdir(), 'stepwise-dbt-local-'));
    local = new LocalBackend({ baseDir: localBase, dockerHost: null });
  });
  after(async () => {
    await rm(localBase, { recursive: true, force: true });
  });

  test('readTar names members exactly as the local backend does', async () => {
    const denv = await createEnv();
    const lenv = await local.create({ sessionId: newSessionId(), lessonId: 'x', lessonDir: tmpdir(), requires: [] });
    try {
      const tree =
        'mkdir -p out/sub out/"with space" && echo hi > out/a.txt && ln -s a.txt out/link && ln out/a.txt out/hard && ' +
        ': > out/sub/e && : > "out/with space/f"';
      assert.equal((await sh(denv, tree)).exitCode, 0);
      assert.equal((await sh(lenv, tree, local)).exitCode, 0);
      for (const path of ['out', 'out/', './out/sub', 'out/a.txt', 'out/link', 'out/sub/../a.txt', 'out/with space']) {
        const fromDocker = await tarListing(await backend.readTar(denv, path), { sameLinks: true });
        const fromLocal = await tarListing(await local.readTar(lenv, path), { sameLinks: true });
        assert.deepEqual(fromDocker.sort(), fromLocal.sort(), `readTar(${JSON.stringify(path)})`);
      }
      assert.deepEqual(await tarListing(await backend.readTar(denv, '/etc/group')), ['etc/group:file']);
      const dot = await tarListing(await backend.readTar(denv, '.'));
      assert.ok(dot.includes('./:directory') && dot.includes('./out/a.txt:file'), dot.join(' '));
      assert.equal(await tarFile(await backend.readTar(denv, 'out/a.txt'), 'out/a.txt'), 'hi\n');
    } finally {
      await local.destroy(lenv);
    }
  });

  test('readTar of a missing path rejects with NOT_FOUND, and a reader may stop early', async () => {
    const env = await createEnv();
    for (const path of ['missing', '/no/such/dir/file', 'a\0b']) {
      await assert.rejects(
        backend.readTar(env, path),
        (err: unknown) => err instanceof BackendError && err.code === 'NOT_FOUND',
        path,
      );
    }
    assert.equal((await sh(env, 'head -c 3000000 /dev/zero > big')).exitCode, 0);
    const stream = await backend.readTar(env, 'big');
    const extract = tar.extract();
    stream.pipe(extract);
    for await (const entry of extract) {
      assert.equal(entry.header.size, 3_000_000);
      break; // the check only wanted the header
    }
    stream.destroy();
    assert.equal((await sh(env, 'echo still answering')).stdout, 'still answering\n');
  });

  test('copyIn puts a host folder at the target, owned by the learner, keeping modes and symlinks', async () => {
    const env = await createEnv();
    const host = await mkdtemp(join(tmpdir(), 'stepwise-dbt-copy-'));
    try {
      await chmod(host, 0o755);
      await mkdir(join(host, 'sub'), { mode: 0o755 });
      await writeFile(join(host, 'run.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
      await writeFile(join(host, 'sub', 'data.txt'), 'data\n', { mode: 0o640 });
      await symlink('sub/data.txt', join(host, 'link'));
      await backend.copyIn(env, host, 'lesson/assets');
      const r = await sh(
        env,
        'cd lesson/assets && ./run.sh && cat link && stat -c "%U %a %n" run.sh sub/data.txt sub . && readlink link',
      );
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(
        r.stdout,
        'ran\ndata\nlearner 755 run.sh\nlearner 640 sub/data.txt\nlearner 755 sub\nlearner 755 .\nsub/data.txt\n',
      );
      await backend.copyIn(env, join(host, 'run.sh'), '/tmp/single.sh');
      assert.equal((await sh(env, '/tmp/single.sh')).stdout, 'ran\n');
    } finally {
      await rm(host, { recursive: true, force: true });
    }
  });
});

describe('terminals', () => {
  test('a terminal is bash with the shell integration, as the learner, in the working directory', async () => {
    const env = await createEnv();
    const pty = await backend.openTerminal(env, { cols: 91, rows: 27 });
    const reader = terminalReader(pty);
    await reader.waitFor(/\x1b\]133;B\x07/);
    pty.write('echo "[$(id -u):$(pwd):$((6*7)):$COLUMNS:$LINES]"\r');
    await reader.waitFor(/\[1000:\/home\/learner:42:91:27\]/);
    await reader.waitFor(/\x1b\]133;D;0\x07/);
    // The resize is the engine's, asynchronous: wait for its event, the SIGWINCH, in a foreground command that says
    // when it is listening; bash (checkwinsize) then has the new size once that command returns.
    // (Outputs are computed, $((6*7)), so the echo of the typed command cannot match them.)
    pty.write(
      "bash -c 'stop() { kill $!; echo $((6*7))-resized; }; trap stop WINCH; echo $((6*7))-listening; sleep infinity & wait $!'\r",
    );
    await reader.waitFor(/42-listening/);
    pty.resize({ cols: 120, rows: 33 });
    await reader.waitFor(/42-resized/);
    pty.write('echo "<$COLUMNS:$LINES>"\r');
    await reader.waitFor(/<120:33>/);
    const exited = new Promise<{ exitCode: number }>((resolve) => pty.onExit(resolve));
    pty.write('exit 5\r');
    assert.equal((await exited).exitCode, 5);
  });

  test('kill ends the shell and its jobs, even ones that left the session, and onExit fires once', async () => {
    const env = await createEnv();
    const pty = await backend.openTerminal(env, { cols: 80, rows: 24 });
    const reader = terminalReader(pty);
    await reader.waitFor(/\x1b\]133;B\x07/);
    pty.write('sleep 5151 & setsid sleep 5152 & echo started\r');
    await reader.waitFor(/started\r\n/);
    let exits = 0;
    const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) =>
      pty.onExit((e) => {
        exits++;
        resolve(e);
      }),
    );
    pty.kill();
    pty.kill();
    const e = await exited;
    assert.equal(e.signal, 9);
    const ps = await sh(env, 'cat /proc/[0-9]*/cmdline | tr "\\0" " "');
    assert.doesNotMatch(ps.stdout, /sleep 515[12]|bash --rcfile/);
    assert.match(ps.stdout, /sleep infinity/);
    pty.kill();
    assert.equal(exits, 1);
  });

  test("pause holds the output back: the shell blocks once the engine's buffers are full, and resume delivers it all", async () => {
    const env = await createEnv();
    const pty = await backend.openTerminal(env, { cols: 80, rows: 24 });
    const reader = terminalReader(pty);
    await reader.waitFor(/\x1b\]133;B\x07/);
    const chunk = 4096;
    const chunks = 1024; // 4 MiB: far beyond the pty, the engine and the socket together
    pty.pause();
    const atPause = reader.text.length;
    // The shell itself writes: bash's printf writes one chunk per call and counts what it got rid of into a file.
    // It records its pid first, so we can see the moment it blocks.
    pty.write(
      `echo $$ > /tmp/writer; s=$(printf '%${chunk}s'); for ((i = 1; i <= ${chunks}; i++)); do printf '%s' "$s"; echo $((i * ${chunk})) > /tmp/written; done; echo; echo flood-done\r`,
    );
    // Wait for the event itself: the writer asleep in the tty's write (wait_woken; n_tty_write on older kernels). Nothing
    // reads while we are paused, so once it sleeps there it stays there, and what it wrote by then is what the pty and
    // the engine hold. The loop runs in the container with bash builtins only, bounded by the exec timeout.
    const blocked = await sh(
      env,
      [
        'until [ -s /tmp/writer ]; do :; done; read -r pid < /tmp/writer',
        // wchan has no trailing newline, so read's status is 1 even when it read the name: test the value only.
        // The engine drains its side in bursts, so the writer can be seen in wait_woken just as it is woken: wait
        // until one look sees it asleep there (state S) and keep what that look saw.
        'until { read -r w < /proc/$pid/wchan; st=$(grep "^State:" /proc/$pid/status); { [ "$w" = wait_woken ] || [ "$w" = n_tty_write ]; } && case "$st" in State:?S*) true ;; *) false ;; esac; }; do :; done',
        'echo "$st"; cat /tmp/written 2>/dev/null || echo 0',
      ].join('\n'),
    );
    assert.equal(blocked.exitCode, 0, blocked.stderr);
    assert.match(blocked.stdout, /^State:\s+S/m, 'the writer sleeps');
    const current = Number(blocked.stdout.trim().split('\n').at(-1));
    assert.ok(current > 0, `the writer got ${current} bytes out before it blocked`);
    assert.ok(current < chunk * chunks, 'the writer is blocked, not finished');
    assert.ok(
      current <= ENGINE_OUTPUT_BUFFER_BYTES,
      `${current} bytes went into the engine's buffers; bound ${ENGINE_OUTPUT_BUFFER_BYTES}`,
    );
    assert.equal(reader.text.length, atPause, 'nothing delivered while paused');
    pty.resume();
    await reader.waitFor(/\r\nflood-done\r\n/); // the output, not the echo of the typed command
    assert.ok(reader.text.length - atPause > chunk * chunks);
    pty.kill();
  });
});

describe('warm containers (keepWarm)', () => {
  test('a session claims a container made before it was asked for, with its first shell already at a prompt; the pool refills; list() reports none of them', async () => {
    const errors: unknown[] = [];
    const warm = backend.keepWarm([{ network: false, docker: false }], 2, (err) => errors.push(err));
    try {
      await warm.settled();
      assert.equal(warm.ready(), 2);
      const waiting = await scopeContainers();
      const pooled = waiting.filter((c) => c.Labels[SESSION_LABEL]?.startsWith(WARM_SESSION_PREFIX));
      assert.equal(pooled.length, 2, 'two containers wait, made for no one');
      assert.ok(pooled.every((c) => c.State === 'running'));
      assert.deepEqual(await backend.list(), [], 'waiting containers are not leftovers of an earlier run');

      const env = await createEnv();
      const id = backend.containerId(env);
      assert.ok(
        pooled.some((c) => c.Id === id),
        'the session got one of the waiting containers',
      );
      const marker = await sh(env, 'printf %s "$STEPWISE_SESSION"');
      assert.equal(marker.stdout, env.id, 'exec carries the session id, not the pool id');
      // The first terminal is the shell the pool started: its prompt is already there.
      const first = await backend.openTerminal(env, { cols: 90, rows: 30 });
      const firstReader = terminalReader(first);
      await firstReader.waitFor(/\x1b\]133;B\x07/);
      first.write('echo "<<$STEPWISE_SESSION>>"\r');
      await firstReader.waitFor(new RegExp(`<<${WARM_SESSION_PREFIX}[0-9a-f]+>>\\r\\n`));
      // Any later terminal is opened for the session, and carries its id.
      const second = await backend.openTerminal(env, { cols: 80, rows: 24 });
      const secondReader = terminalReader(second);
      await secondReader.waitFor(/\x1b\]133;B\x07/);
      second.write('echo "<<$STEPWISE_SESSION>>"\r');
      await secondReader.waitFor(new RegExp(`<<${env.id}>>\\r\\n`));
      first.kill();
      second.kill();
      assert.deepEqual(await backend.list(), [], 'a claimed container is its live session, not a leftover');

      await warm.settled();
      assert.equal(warm.ready(), 2, 'the pool made a replacement');

      // A lesson of another kind (network) has no pool: its container is made for it.
      const other = await createEnv(backend, ['network']);
      assert.ok(!pooled.some((c) => c.Id === backend.containerId(other)));
      assert.equal(warm.ready(), 2);

      await backend.destroy(env);
      await assert.rejects(docker.getContainer(id).inspect(), /no such container/i);
    } finally {
      await warm.dispose();
    }
    const left = (await scopeContainers()).filter((c) => c.Labels[SESSION_LABEL]?.startsWith(WARM_SESSION_PREFIX));
    assert.deepEqual(left, [], 'dispose removed the containers still waiting');
    assert.deepEqual(errors, []);
  });

  test('a waiting container the engine no longer runs is not handed out; a lesson that copies files in first gets a shell started after them', async () => {
    const warm = backend.keepWarm([{ network: false, docker: false }], 1, () => {});
    try {
      await warm.settled();
      const [gone] = (await scopeContainers()).filter((c) => c.Labels[SESSION_LABEL]?.startsWith(WARM_SESSION_PREFIX));
      assert.ok(gone);
      await docker.getContainer(gone.Id).remove({ force: true }); // another server's reaping, the OOM killer…
      const env = await createEnv();
      assert.notEqual(backend.containerId(env), gone.Id);
      const pty = await backend.openTerminal(env, { cols: 80, rows: 24 });
      const reader = terminalReader(pty);
      await reader.waitFor(/\x1b\]133;B\x07/);
      pty.kill();

      await warm.settled();
      assert.equal(warm.ready(), 1);
      const fresh = await backend.create({
        sessionId: newSessionId(),
        lessonId: 'docker-backend-test',
        lessonDir: tmpdir(),
        requires: [],
        freshShell: true,
      });
      made.push(fresh);
      const first = await backend.openTerminal(fresh, { cols: 80, rows: 24 });
      const firstReader = terminalReader(first);
      await firstReader.waitFor(/\x1b\]133;B\x07/);
      first.write('echo "<<$STEPWISE_SESSION>>"\r');
      await firstReader.waitFor(new RegExp(`<<${fresh.id}>>\\r\\n`)); // opened now, for this session
      first.kill();
      await backend.destroy(fresh);
      await backend.destroy(env);
    } finally {
      await warm.dispose();
    }
  });

  test('the waiting containers of a server that died are leftovers to the next one, which reaps them', async () => {
    const dead = new DockerBackend({ docker, scope: SCOPE });
    const warm = dead.keepWarm([{ network: false, docker: false }], 1, () => {});
    try {
      await warm.settled();
      const next = new DockerBackend({ docker, scope: SCOPE });
      const leftovers = (await next.list()).filter((id) => id.startsWith(WARM_SESSION_PREFIX));
      assert.equal(leftovers.length, 1);
      for (const id of leftovers) await next.destroy({ id, backend: 'docker', workdir: '', createdAt: 0 });
      assert.deepEqual(
        (await scopeContainers()).filter((c) => c.Labels[SESSION_LABEL]?.startsWith(WARM_SESSION_PREFIX)),
        [],
      );
    } finally {
      await warm.dispose(); // its container is gone already: nothing to do, nothing thrown
    }
  });
});
