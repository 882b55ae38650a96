// bench/class: a class over real HTTP and WebSocket on the docker provider (DESIGN.md "Classes" and "Performance
// targets"). It provisions its own engine the way `npm test` does (a private dockerd whose mirror is a local
// registry seeded with busybox and a redis stand-in), starts `stepwise serve scenarios --class NAME --backend
// docker` as an instructor does (fresh XDG_STATE_HOME), and parses the printed instructor URL and code.
//   Each part serves a folder with only its lesson in it, as a class on one lesson.
//   Part 1: N learners (30) join at once, each opens the tar lesson, runs its first step's cells and checks it.
//     The server keeps N containers warm (`--warm N`, as the README tells an instructor whose class joins at
//     once); the bench waits for them before learners join, and reports how long making them took. Part 2
//     likewise keeps M containers warm, each with its engine.
//     Time to a prompt: from POST /api/join to the first prompt mark (OSC 133;B) on T1's socket, p50/p95, with
//     its phases. Baseline in the same run: the engine alone giving N shells at once (lib/engine-baseline.ts).
//     Grid update: from the learner's passing checkResult to the instructor's classUpdate showing that step
//     passed (both stamped on arrival in this process), p99; negative when the grid heard first.
//     Memory: the server's VmRSS before and after, and each learner's container (Engine API stats); per learner
//     = (server RSS after + all containers) / N.
//   Part 2: M learners (5) open the container lesson, each with a Docker engine of their own. Engine ready: from
//     hello to a prompt (the session opens once its engine answers), and to `docker version` in T1 reporting the
//     server; then step 1 (pull through the mirror, save, extract) and its check. Memory per learner: their
//     shell container + their engine container, and the server's share.
// The shell image (built from the host's files once per engine) is built before the class and timed apart.
// Targets: time to a prompt p95 < 3 s; grid p99 < 1 s; < 40 MB per learner; engine ready < 5 s, < 100 MB.
// Run: npm run bench:class [-- --learners 30 --engine-learners 5 --runs 1]   (as root: it starts dockerds)
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { startRegistry, type Registry } from '../test/harness/provision/registry.ts';
import { startDockerd, type Engine } from '../test/harness/provision/dockerd.ts';
import { seedImages } from '../test/harness/provision/seed-images.ts';
import { cookieFrom, httpRequest, postJson } from '../test/harness/http-request.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import { DEFAULT_SHELL_IMAGE, ensureShellImage } from '../server/environment/providers/docker-shell-image.ts';
import { LESSON_LABEL, MANAGED_LABEL, SESSION_LABEL } from '../server/environment/providers/docker-container-spec.ts';
import { warmLessonLabel } from '../server/environment/providers/docker.ts';
import { WARM_SESSION_PREFIX } from '../server/environment/providers/docker-warm-pool.ts';
import { ENGINE_LABEL } from '../server/environment/learner-engine/engine-container.ts';
import { joinResponseSchema, lessonViewSchema, type LessonView } from '../server/protocol/index.ts';
import { ServedClass } from './lib/class-serve.ts';
import { InstructorSocket, LearnerSocket } from './lib/class-sockets.ts';
import {
  allLabelledContainers,
  containerMemory,
  labelledContainers,
  processRss,
  type ContainerMemory,
} from './lib/container-memory.ts';
import { mib, verdict } from './lib/measure.ts';
import { engineShellBurst, removeBaselineContainers } from './lib/engine-baseline.ts';

const TARGET_PROMPT_P95_MS = 3_000;
const TARGET_GRID_P99_MS = 1_000;
const TARGET_CLASS_BYTES_PER_LEARNER = 40 * 1024 * 1024;
const TARGET_ENGINE_READY_MS = 5_000;
const TARGET_ENGINE_BYTES_PER_LEARNER = 100 * 1024 * 1024;
/** Every wait for the server is bounded; a loaded 2-core machine is slow, so generously (ms). */
const WAIT_MS = 300_000;
/** Settling time before the "after" memory reading, so the last updates and acks are done (ms). */
const SETTLE_MS = 2_000;
/** How often the bench looks for the warm containers while the server makes them (ms). */
const WARM_POLL_MS = 250;

const LESSONS = fileURLToPath(new URL('../scenarios', import.meta.url));
const TAR_LESSON = 'tar-basics';
const CONTAINER_LESSON = 'container-images';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '30' },
    'engine-learners': { type: 'string', default: '5' },
    runs: { type: 'string', default: '1' },
  },
});
const learners = count(values.learners, '--learners');
const engineLearners = count(values['engine-learners'], '--engine-learners');
const runs = positive(values.runs, '--runs');

function positive(value: string | undefined, flag: string): number {
  const n = count(value, flag);
  if (n === 0) throw new Error(`${flag} must be above 0`);
  return n;
}

/** A learner count; 0 skips that part. */
function count(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, not ${value}`);
  return n;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (x: number): string => `${Math.round(x)} ms`;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length ? sum(xs) / xs.length : NaN);

interface LearnerResult {
  joinToPrompt: number;
  /** POST /api/join and the WebSocket upgrade. */
  joinToHello: number;
  /** The session and its environment (container, setup, assets) made. */
  helloToWelcome: number;
  helloToPrompt: number;
  /** Hello to `docker version` answering in T1 (Docker lessons only). */
  helloToEngine: number | null;
  gridMs: number;
}

interface ClassRunOptions {
  title: string;
  lessonId: string;
  learners: number;
  engines: boolean;
}

/** Everything this bench started, stopped in reverse order on exit, failure or Ctrl-C. */
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (err: unknown) {
        console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}
// A bench that dies still stops what it started: the server and dockerds run in process groups of their own.
process.on('uncaughtException', (err) => {
  console.error(`bench:class crashed: ${err.stack ?? err.message}`);
  void cleanUp().then(() => process.exit(1));
});
process.on('unhandledRejection', (reason) => {
  console.error(`bench:class crashed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  void cleanUp().then(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`);
    void cleanUp().then(() => process.exit(130));
  });
}

/** Lazily unmounts whatever is still mounted under `dir` (a killed engine's leftovers), deepest first. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
    } catch {
      // already gone with its parent
    }
  }
}

/** Stops a dockerd a killed server left behind (the learner engines' outer engine), by its pidfile. */
async function stopLeftoverDockerd(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // not running
  }
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  process.kill(pid, 'SIGKILL');
}

async function removeContainers(docker: Docker, label: string): Promise<number> {
  const ids = await allLabelledContainers(docker, label);
  for (const id of ids) await docker.getContainer(id).remove({ force: true });
  return ids.length;
}

async function lessonView(server: ServedClass, cookie: string, lessonId: string): Promise<LessonView> {
  const answer = await httpRequest('GET', `${server.origin}/api/lesson?id=${encodeURIComponent(lessonId)}`, {
    Cookie: cookie,
  });
  if (answer.status !== 200) throw new Error(`GET /api/lesson?id=${lessonId}: ${answer.status} ${answer.body}`);
  return lessonViewSchema.parse(JSON.parse(answer.body));
}

/** The first step's runnable commands for T1, in order: what a learner clicks through before pressing Check. */
function firstStepCells(lesson: LessonView): { stepId: string; cells: string[] } {
  const step = lesson.steps[0];
  if (!step) throw new Error(`lesson ${lesson.id} has no steps`);
  const cells = step.blocks
    .flatMap((b) => (b.type === 'cell' ? [b.cell] : (b.cells ?? [])))
    .filter((c) => c.runnable && c.kind === 'exec' && c.terminal === 1)
    .map((c) => c.id);
  return { stepId: step.id, cells };
}

async function oneLearner(
  server: ServedClass,
  instructor: InstructorSocket,
  opts: ClassRunOptions,
  step: { stepId: string; cells: string[] },
  i: number,
): Promise<LearnerResult> {
  const t0 = performance.now();
  const joined = await postJson(`${server.origin}/api/join`, { code: server.code, name: `Learner ${i + 1}` });
  if (joined.status !== 200) throw new Error(`join: ${joined.status} ${joined.body}`);
  const { learnerId } = joinResponseSchema.parse(JSON.parse(joined.body));
  const socket = await LearnerSocket.connect(server.wsUrl, server.origin, cookieFrom(joined.headers['set-cookie']));
  try {
    const helloAt = performance.now();
    const welcomeAt = await socket.hello(opts.lessonId, WAIT_MS);
    const promptAt = await socket.prompt(WAIT_MS);
    const engineAt = opts.engines
      ? await socket.typeAndWait('docker version --format "engine {{.Server.Version}}"', /engine \d+\.\d+/, WAIT_MS)
      : null;
    for (const cell of step.cells) {
      const exit = await socket.run(cell, WAIT_MS);
      if (exit !== 0) throw new Error(`cell ${cell} exited ${exit}`);
    }
    const checked = await socket.check(step.stepId, WAIT_MS);
    if (!checked.passed) throw new Error(`step ${step.stepId} did not pass its check`);
    const gridAt = await instructor.passedAt(learnerId, opts.lessonId, step.stepId, WAIT_MS);
    return {
      joinToPrompt: promptAt - t0,
      joinToHello: helloAt - t0,
      helloToWelcome: welcomeAt - helloAt,
      helloToPrompt: promptAt - helloAt,
      helloToEngine: engineAt === null ? null : engineAt - helloAt,
      gridMs: gridAt - checked.at,
    };
  } finally {
    socket.close();
  }
}

/** The learner engines' own engine: the outer dockerd (userns level) if the server started one, else the host's. */
function engineHost(stateHome: string, hostDocker: Docker): { docker: Docker; pidFile: string | null } {
  const outer = join(stateHome, 'stepwise', 'learner-engines', 'outer');
  const socket = join(outer, 'docker.sock');
  return existsSync(socket)
    ? { docker: dockerFromHost(`unix://${socket}`), pidFile: join(outer, 'docker.pid') }
    : { docker: hostDocker, pidFile: null };
}

/**
 * A lessons folder with only `lessonId` in it (a class on one lesson): the server keeps containers warm for each
 * kind of lesson it serves, and the other bundled lessons' kinds (one needs an engine per container) would be made
 * alongside and measured with this one.
 */
function oneLessonFolder(work: string, lessonId: string): string {
  const folder = mkdtempSync(join(work, 'lessons-'));
  chmodSync(folder, 0o755);
  cpSync(join(LESSONS, lessonId), join(folder, lessonId), { recursive: true });
  return folder;
}

/** Until `count` warm containers (made for no learner yet) for the default shell image, with an engine each or
 * without, are running in the engine. */
async function waitForWarm(docker: Docker, count: number, engines: boolean): Promise<void> {
  const kind = warmLessonLabel({ image: DEFAULT_SHELL_IMAGE, network: false, docker: engines });
  for (const deadline = performance.now() + WAIT_MS; ;) {
    const running = await docker.listContainers({
      filters: { label: [`${MANAGED_LABEL}=1`, `${LESSON_LABEL}=${kind}`] },
    });
    const warm = running.filter((c) => (c.Labels[SESSION_LABEL] ?? '').startsWith(WARM_SESSION_PREFIX)).length;
    if (warm >= count) return;
    if (performance.now() > deadline) throw new Error(`only ${warm} of ${count} warm containers after ${ms(WAIT_MS)}`);
    await sleep(WARM_POLL_MS);
  }
}

async function memoryOf(docker: Docker, label: string): Promise<ContainerMemory[]> {
  const ids = await labelledContainers(docker, label);
  return Promise.all(ids.map((id) => containerMemory(docker, id)));
}

async function runClass(work: string, host: Engine, hostDocker: Docker, opts: ClassRunOptions): Promise<void> {
  let baselineP95: number | null = null;
  console.log(`\n== ${opts.title}: ${opts.learners} learners join at once; lesson ${opts.lessonId} ==`);
  const stateHome = mkdtempSync(join(work, 'st-'));
  chmodSync(stateHome, 0o711); // as for `work`: the outer engine's remapped root passes through it
  const startAt = performance.now();
  const server = await ServedClass.start({
    lessons: oneLessonFolder(work, opts.lessonId),
    className: opts.title.replace(/[^A-Za-z0-9 ]/g, ''),
    dockerHost: host.host,
    stateHome,
    maxLearners: opts.learners,
    warm: opts.learners,
  });
  const stopServer = async () => {
    await server.stop();
    const outerPid = join(stateHome, 'stepwise', 'learner-engines', 'outer', 'docker.pid');
    await stopLeftoverDockerd(outerPid);
    const left = await removeContainers(hostDocker, `${MANAGED_LABEL}=1`);
    if (left > 0) console.log(`  (removed ${left} learner container(s) the server left behind)`);
  };
  cleanups.push(stopServer);
  console.log(`server up in ${ms(performance.now() - startAt)} (pid ${server.pid}); ${server.levelLine}`);
  const login = await httpRequest('GET', server.instructorUrl);
  const instructorCookie = cookieFrom(login.headers['set-cookie']);
  const instructor = await InstructorSocket.connect(server.wsUrl, server.origin, instructorCookie, WAIT_MS);
  cleanups.push(async () => instructor.close());
  const step = firstStepCells(await lessonView(server, instructorCookie, opts.lessonId));
  const warmAt = performance.now();
  await waitForWarm(hostDocker, opts.learners, opts.engines);
  console.log(
    `${opts.learners} containers made ahead of learners (--warm ${opts.learners}${opts.engines ? ', each with its engine' : ''}) ` +
      `in ${ms(performance.now() - warmAt)} after the server was up`,
  );
  console.log(`each learner: join, hello, prompt, run ${step.cells.join(', ')}, check ${step.stepId}`);
  if (!opts.engines) {
    const burst = await engineShellBurst(hostDocker, DEFAULT_SHELL_IMAGE, opts.learners);
    console.log(
      `baseline, the engine alone: ${opts.learners} shell containers created, started and exec'd at once: ` +
        `p50 ${ms(pct(burst, 50))}, p95 ${ms(pct(burst, 95))}, max ${ms(Math.max(...burst))}`,
    );
    baselineP95 = pct(burst, 95);
  }
  await sleep(SETTLE_MS);
  const rssBefore = processRss(server.pid);

  const settled = await Promise.allSettled(
    Array.from({ length: opts.learners }, (_, i) => oneLearner(server, instructor, opts, step, i)),
  );
  const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  await sleep(SETTLE_MS);
  const rssAfter = processRss(server.pid);
  const shells = await memoryOf(hostDocker, `${MANAGED_LABEL}=1`);
  const engineDocker = engineHost(stateHome, hostDocker);
  const engines = opts.engines ? await memoryOf(engineDocker.docker, `${ENGINE_LABEL}=1`) : [];
  const outerRss =
    engineDocker.pidFile && existsSync(engineDocker.pidFile)
      ? processRss(Number(readFileSync(engineDocker.pidFile, 'utf8').trim()))
      : null;

  console.log(`finished: ${done.length} of ${opts.learners}`);
  const ended = server.ended;
  if (ended) console.log(`  THE SERVER ENDED (exit ${ended.code}) during the class; its stderr ends:\n${ended.stderr}`);
  for (const reason of failed.slice(0, 3))
    console.log(`  FAILED: ${reason instanceof Error ? reason.message : String(reason)}`);
  if (done.length > 0) {
    const prompt = done.map((r) => r.joinToPrompt);
    const hello = done.map((r) => r.helloToPrompt);
    const grid = done.map((r) => r.gridMs);
    console.log(
      `  time to a prompt (join → prompt bytes): p50 ${ms(pct(prompt, 50))}, p95 ${ms(pct(prompt, 95))}, max ${ms(Math.max(...prompt))}` +
        `; target p95 < ${ms(TARGET_PROMPT_P95_MS)}: ${verdict(pct(prompt, 95) < TARGET_PROMPT_P95_MS)}` +
        (baselineP95 !== null ? `; p95 ratio to the engine alone: ${(pct(prompt, 95) / baselineP95).toFixed(2)}x` : ''),
    );
    const phase = (what: string, xs: number[]) =>
      `${what} p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))}, min ${ms(Math.min(...xs))}`;
    console.log(
      `    phases: ${phase(
        'join + upgrade',
        done.map((r) => r.joinToHello),
      )}; ${phase(
        'hello → welcome',
        done.map((r) => r.helloToWelcome),
      )}; ` +
        phase(
          'welcome → prompt',
          done.map((r) => r.helloToPrompt - r.helloToWelcome),
        ),
    );
    console.log(
      `  grid update (checkResult → instructor's classUpdate): p50 ${ms(pct(grid, 50))}, p99 ${ms(pct(grid, 99))}, max ${ms(Math.max(...grid))}` +
        `; target p99 < ${ms(TARGET_GRID_P99_MS)}: ${verdict(pct(grid, 99) < TARGET_GRID_P99_MS)}`,
    );
    if (opts.engines) {
      const ready = done.flatMap((r) => (r.helloToEngine === null ? [] : [r.helloToEngine]));
      console.log(
        `  engine ready (hello → \`docker version\` answers in T1): p50 ${ms(pct(ready, 50))}, max ${ms(Math.max(...ready))}` +
          `; (hello → prompt, the session waits for its engine: max ${ms(Math.max(...hello))})` +
          `; target < ${ms(TARGET_ENGINE_READY_MS)}: ${verdict(Math.max(...ready) < TARGET_ENGINE_READY_MS)}`,
      );
    }
  }
  const n = opts.learners;
  const shellWorking = shells.map((c) => c.working);
  console.log(
    `  server RSS: ${mib(rssBefore)} before, ${mib(rssAfter)} after (+${mib((rssAfter - rssBefore) / n)} per learner)`,
  );
  console.log(
    `  learner containers (${shells.length}): mean ${mib(mean(shellWorking))} (cgroup usage with page cache ${mib(mean(shells.map((c) => c.usage)))}), max ${mib(Math.max(...shellWorking))}`,
  );
  if (opts.engines) {
    const engineWorking = engines.map((c) => c.working);
    console.log(
      `  learner engines (${engines.length}): mean ${mib(mean(engineWorking))} (with page cache ${mib(mean(engines.map((c) => c.usage)))}), max ${mib(Math.max(...engineWorking))}` +
        (outerRss !== null ? `; their outer dockerd (shared): ${mib(outerRss)}` : ''),
    );
    const perLearner = (sum(engineWorking) + sum(shellWorking)) / n;
    console.log(
      `  memory per learner, engine + shell container: ${mib(perLearner)}; target < ${mib(TARGET_ENGINE_BYTES_PER_LEARNER)}: ${verdict(perLearner < TARGET_ENGINE_BYTES_PER_LEARNER)}` +
        `; with the server's share: ${mib(perLearner + rssAfter / n)}`,
    );
  } else {
    const perLearner = (rssAfter + sum(shellWorking)) / n;
    console.log(
      `  memory per learner, (server RSS + containers) / ${n}: ${mib(perLearner)}; target < ${mib(TARGET_CLASS_BYTES_PER_LEARNER)}: ${verdict(perLearner < TARGET_CLASS_BYTES_PER_LEARNER)}`,
    );
  }
  instructor.close();
  await cleanUpLast(stopServer);
  if (failed.length > 0) process.exitCode = 1;
}

/** Runs a cleanup now and drops it from the exit list. */
async function cleanUpLast(step: () => Promise<void>): Promise<void> {
  const at = cleanups.lastIndexOf(step);
  if (at >= 0) cleanups.splice(at, 1);
  await step();
}

const work = mkdtempSync('/tmp/swcb-'); // short: the outer engine's containerd socket path must fit in 108 bytes
chmodSync(work, 0o711); // remapped root must pass through every folder above the outer engine's data root
cleanups.push(async () => {
  unmountUnder(work);
  rmSync(work, { recursive: true, force: true });
});
try {
  const registry: Registry = await startRegistry(join(work, 'registry'));
  cleanups.push(() => registry.daemon.stop());
  const host: Engine = await startDockerd(join(work, 'host'), registry.address);
  cleanups.push(() => host.daemon.stop());
  seedImages(host, registry.address);
  const hostDocker = dockerFromHost(host.host);
  cleanups.push(() => removeBaselineContainers(hostDocker));
  const imageAt = performance.now();
  await ensureShellImage(hostDocker);
  console.log(`shell image built from the host's files in ${ms(performance.now() - imageAt)} (once per engine)`);
  console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  for (let run = 1; learners > 0 && run <= runs; run++)
    await runClass(work, host, hostDocker, {
      title: `Class ${run}`,
      lessonId: TAR_LESSON,
      learners,
      engines: false,
    });
  if (engineLearners > 0)
    await runClass(work, host, hostDocker, {
      title: 'Engines',
      lessonId: CONTAINER_LESSON,
      learners: engineLearners,
      engines: true,
    });
  console.log(`\nuptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
} catch (err: unknown) {
  console.error(`bench:class failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
