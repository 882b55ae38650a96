// The escape suite for learners' own Docker engines (issue 11): two learners on the docker backend, each with
// an engine of their own at the strongest level that works here (the probe decides; the level is in every test
// name). Through their own engine, from their own shell container, learner A tries to read a marker file on the
// host, reach the host engine's socket and reach learner B's engine. Every attempt must fail; the positive tests
// prove the same commands do work where they are allowed (pull through the mirror, run, images per learner).
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import type { SessionEnv } from '../server/environment/backend.ts';
import { DockerBackend } from '../server/environment/providers/docker.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import {
  describeDecision,
  ENGINE_RUN_DIR,
  setUpLearnerEngines,
  type LearnerEngineSetup,
} from '../server/environment/learner-engine/index.ts';
import { REPO_ROOT } from './harness/cli.ts';
import { requireDockerHost, requireDockerSocket, requireRegistry, SEEDED_IMAGES } from './harness/env.ts';

/** A pull through the mirror and a vfs copy of busybox take a few seconds; allow for a loaded machine (ms). */
const EXEC_TIMEOUT_MS = 180_000;
const SCOPE = `escape-${process.pid}`;
/** Inside the repository (test/artifacts is ignored by git), so it is on the host's root filesystem, which a
 * learner who mounted the host's disk would see. */
const WORK = join(REPO_ROOT, 'test', 'artifacts', `learner-engine-escape-${process.pid}`);
const MARKER_DIR = join(WORK, 'host-secret');
const MARKER = join(MARKER_DIR, 'marker');
const TOKEN = `stepwise-escape-${randomBytes(12).toString('hex')}`;
/** The engines' state folder: short, since containerd's socket path inside it must fit in 108 bytes. */
const STATE = mkdtempSync(join(tmpdir(), 'swle-'));

let backend: DockerBackend;
let learnerA: SessionEnv;
let learnerB: SessionEnv;

// The probe runs before the tests are declared, so their names can say which level they prove.
const docker: Docker = dockerFromHost(requireDockerHost());
mkdirSync(MARKER_DIR, { recursive: true });
writeFileSync(MARKER, `${TOKEN}\n`, { mode: 0o644 }); // world-readable: any host uid that reached it could read it
const setup: LearnerEngineSetup = await setUpLearnerEngines({
  hostDocker: docker,
  stateDir: STATE,
  mode: 'safe',
  scope: SCOPE,
});
const LEVEL = setup.decision.kind === 'level' ? setup.decision.level : 'none';
process.stderr.write(`# ${describeDecision(setup.decision)}\n# probe: ${JSON.stringify(setup.probe)}\n`);

/** The host's block device that holds the marker, its major and minor numbers, and the marker's path on it. */
function markerDevice(): { device: string; major: string; minor: string; pathOnDevice: string } {
  let best: { mountPoint: string; root: string; device: string; majorMinor: string } | null = null;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const root = fields[3] ?? '';
    const mountPoint = fields[4] ?? '';
    const device = right.split(' ')[1] ?? '';
    const inside = MARKER.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
    if (inside && device.startsWith('/dev/') && (!best || mountPoint.length > best.mountPoint.length)) {
      best = { mountPoint, root, device, majorMinor: fields[2] ?? '' };
    }
  }
  if (!best) throw new Error(`no block device holds ${MARKER}: the disk-mount attempts would prove nothing`);
  const rest = best.mountPoint === '/' ? MARKER : MARKER.slice(best.mountPoint.length);
  const [major = '', minor = ''] = best.majorMinor.split(':');
  return { device: best.device, major, minor, pathOnDevice: join(best.root, rest) };
}

async function sh(env: SessionEnv, script: string): Promise<{ exitCode: number; out: string }> {
  const r = await backend.exec(env, ['bash', '-c', script], { timeoutMs: EXEC_TIMEOUT_MS });
  return { exitCode: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
}

/** Longest part of an attempt's output kept in the test's diagnostics, so a reader sees why it failed (chars). */
const DIAGNOSTIC_CHARS = 600;

/** Runs an escape attempt in `env`'s shell: the token must not appear, whatever the exit code. What the learner
 * saw goes to the diagnostics, so the report shows each attempt failed for the right reason. */
async function attempt(t: TestContext, env: SessionEnv, script: string): Promise<string> {
  const r = await sh(env, script);
  assert.ok(!r.out.includes(TOKEN), `the learner read the host's marker with: ${script}\n${r.out}`);
  t.diagnostic(
    `$ ${script}\n  exit ${r.exitCode}: ${r.out
      .trim()
      .replace(/\s*\n\s*/g, ' | ')
      .slice(0, DIAGNOSTIC_CHARS)}`,
  );
  return r.out;
}

describe(`learner engines at level "${LEVEL}"`, { concurrency: false }, () => {
  before(async () => {
    if (setup.decision.kind !== 'level' || !setup.engines) {
      throw new Error(
        `no learner-engine level works on this machine: ${setup.decision.kind === 'none' ? setup.decision.reason : ''}`,
      );
    }
    backend = new DockerBackend({ docker, scope: SCOPE, learnerEngines: setup.engines });
    learnerA = await backend.create({
      sessionId: `${SCOPE}-a`,
      lessonId: 'escape',
      lessonDir: WORK,
      requires: ['docker'],
    });
    learnerB = await backend.create({
      sessionId: `${SCOPE}-b`,
      lessonId: 'escape',
      lessonDir: WORK,
      requires: ['docker'],
    });
  });

  after(async () => {
    for (const env of [learnerA, learnerB]) if (env) await backend.destroy(env);
    await setup.engines?.dispose();
    rmSync(WORK, { recursive: true, force: true });
    rmSync(STATE, { recursive: true, force: true });
  });

  test(`the safe level works here and is the default (level ${LEVEL})`, () => {
    assert.equal(setup.decision.kind, 'level', describeDecision(setup.decision));
    assert.equal(
      LEVEL,
      'userns',
      `expected the userns level on this machine; the probe said ${JSON.stringify(setup.probe)}`,
    );
  });

  test(`a learner pulls through the mirror and runs a container (level ${LEVEL})`, async () => {
    const r = await sh(
      learnerA,
      `echo "DOCKER_HOST=$DOCKER_HOST" && docker pull ${SEEDED_IMAGES.busybox} && docker run --rm ${SEEDED_IMAGES.busybox} echo hi-from-a`,
    );
    assert.equal(r.exitCode, 0, r.out);
    assert.match(r.out, new RegExp(`DOCKER_HOST=unix://${ENGINE_RUN_DIR}/docker.sock`));
    assert.match(r.out, /^hi-from-a$/m);
    assert.ok(backend.engine(learnerA), "checks get the learner's engine");
    const images = await backend.engine(learnerA)!.listImages();
    assert.ok(
      images.some((i) => (i.RepoTags ?? []).includes(SEEDED_IMAGES.busybox)),
      'the server sees the image the learner pulled',
    );
  });

  test(`two learners' images are disjoint (level ${LEVEL})`, async () => {
    const tagged = await sh(
      learnerA,
      `docker tag ${SEEDED_IMAGES.busybox} only-learner-a:1 && docker images --format '{{.Repository}}:{{.Tag}}'`,
    );
    assert.equal(tagged.exitCode, 0, tagged.out);
    assert.match(tagged.out, /only-learner-a:1/);
    const other = await sh(
      learnerB,
      `docker images --format '{{.Repository}}:{{.Tag}}'; docker ps -a --format '{{.Names}}'`,
    );
    assert.equal(other.exitCode, 0, other.out);
    assert.doesNotMatch(other.out, /only-learner-a|busybox/, "learner B sees none of learner A's images");
    const fromServer = await backend.engine(learnerB)!.listImages();
    assert.deepEqual(
      fromServer.flatMap((i) => i.RepoTags ?? []),
      [],
      "B's engine, asked by the server, has no images",
    );
  });

  test(`-v /:/host shows the engine's own files, never the host's (level ${LEVEL})`, async (t) => {
    const out = await attempt(
      t,
      learnerA,
      `docker run --rm -v /:/host ${SEEDED_IMAGES.busybox} sh -c 'cat /host${MARKER}; ls /host${dirname(MARKER)}; ls /host'`,
    );
    assert.doesNotMatch(out, /^marker$/m, "the marker's folder was listed");
  });

  test(`--privileged with the host's disk mounted cannot read the marker (level ${LEVEL})`, async (t) => {
    const { device, major, minor, pathOnDevice } = markerDevice();
    /** What --privileged would add, one piece at a time (--privileged and --cap-add ALL may be refused for want of
     * one capability, which would prove nothing): mount and mknod rights, no seccomp or apparmor filter. */
    const powers =
      '--cap-add SYS_ADMIN --cap-add MKNOD --security-opt seccomp=unconfined --security-opt apparmor=unconfined';
    await attempt(
      t,
      learnerA,
      `docker run --rm --privileged -v /:/host ${SEEDED_IMAGES.busybox} sh -c 'cat /host${MARKER}; mkdir -p /m && mount ${device} /m && cat /m${pathOnDevice}'`,
    );
    await attempt(
      t,
      learnerA,
      `docker run --rm ${powers} --device ${device}:${device} ${SEEDED_IMAGES.busybox} sh -c 'mkdir -p /m && mount ${device} /m && cat /m${pathOnDevice}'`,
    );
    await attempt(
      t,
      learnerA,
      `docker run --rm ${powers} ${SEEDED_IMAGES.busybox} sh -c 'mknod /hd b ${major} ${minor}; mkdir -p /m && mount /hd /m && cat /m${pathOnDevice}'`,
    );
    await attempt(
      t,
      learnerA,
      `docker run --rm ${powers} -v /dev:/hostdev ${SEEDED_IMAGES.busybox} sh -c 'ls /hostdev; mkdir -p /m && mount /hostdev/${device.slice(5)} /m && cat /m${pathOnDevice}'`,
    );
  });

  test(`the host's processes and root are out of reach: --pid host, /proc/1/root (level ${LEVEL})`, async (t) => {
    await attempt(
      t,
      learnerA,
      `docker run --rm --pid host --cap-add SYS_PTRACE --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined ${SEEDED_IMAGES.busybox} sh -c 'cat /proc/1/root${MARKER}; for p in /proc/[0-9]*; do cat $p/root${MARKER} 2>/dev/null; done; echo done'`,
    );
    await attempt(t, learnerA, `cat ${MARKER}; ls ${dirname(MARKER)}`);
  });

  test(`the host engine's socket is out of reach (level ${LEVEL})`, async () => {
    const hostSocket = requireDockerSocket();
    for (const socket of [hostSocket, '/var/run/docker.sock', '/run/docker.sock']) {
      const direct = await sh(learnerA, `docker -H unix://${socket} info --format '{{.ID}}'`);
      assert.notEqual(direct.exitCode, 0, `the shell reached ${socket}: ${direct.out}`);
      const mounted = await sh(
        learnerA,
        `docker run --rm -v ${socket}:/s -v ${dirname(socket)}:/d ${SEEDED_IMAGES.busybox} sh -c 'test -S /s && echo SOCKET-VISIBLE; ls -la /d'`,
      );
      assert.doesNotMatch(
        mounted.out,
        /SOCKET-VISIBLE/,
        `a container of the learner's engine saw ${socket}: ${mounted.out}`,
      );
    }
  });

  test(`another learner's engine is out of reach (level ${LEVEL})`, async () => {
    const bRunDir = join(STATE, 'engines', learnerB.id, 'run');
    const direct = await sh(learnerA, `docker -H unix://${bRunDir}/docker.sock info --format '{{.ID}}'; ls ${bRunDir}`);
    assert.notEqual(direct.exitCode, 0, direct.out);
    const mounted = await sh(
      learnerA,
      `docker run --rm -v ${bRunDir}:/b ${SEEDED_IMAGES.busybox} sh -c 'test -S /b/docker.sock && echo SOCKET-VISIBLE; ls -la /b'`,
    );
    assert.doesNotMatch(mounted.out, /SOCKET-VISIBLE/, mounted.out);
    // A's own engine is a different one from B's: their IDs differ.
    const a = await sh(learnerA, `docker info --format '{{.ID}}'`);
    const b = await sh(learnerB, `docker info --format '{{.ID}}'`);
    assert.equal(a.exitCode, 0, a.out);
    assert.notEqual(a.out.trim(), b.out.trim());
  });

  test(`the mirror is read-only: a learner cannot push into what others pull (level ${LEVEL})`, async () => {
    const r = await sh(
      learnerA,
      `docker tag ${SEEDED_IMAGES.busybox} 127.0.0.1:5000/library/busybox:poisoned && docker push 127.0.0.1:5000/library/busybox:poisoned`,
    );
    assert.notEqual(r.exitCode, 0, `the push went through: ${r.out}`);
    const tags = await fetch(`http://${requireRegistry()}/v2/library/busybox/tags/list`).then((res) => res.text());
    assert.doesNotMatch(tags, /poisoned/, `the registry got the learner's tag: ${tags}`);
  });

  test(`a swapped socket never redirects the server (level ${LEVEL})`, async () => {
    // The learner's engine root owns the socket folder: replace the socket with a symlink to the host engine's.
    const r = await sh(
      learnerA,
      `docker run --rm -v ${ENGINE_RUN_DIR}:/e ${SEEDED_IMAGES.busybox} sh -c 'mv /e/docker.sock /e/real.sock && ln -s ${requireDockerSocket()} /e/docker.sock && ls -la /e'`,
    );
    assert.equal(r.exitCode, 0, r.out);
    // The server's client was pinned to the real socket's inode at start: it still reaches A's engine.
    const images = await backend.engine(learnerA)!.listImages();
    assert.ok(
      images.some((i) => (i.RepoTags ?? []).includes('only-learner-a:1')),
      "the server still talks to A's own engine",
    );
  });

  test(`the marker is intact on the host, and the test could read it (level ${LEVEL})`, () => {
    assert.equal(readFileSync(MARKER, 'utf8').trim(), TOKEN);
  });
});
