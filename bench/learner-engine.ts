// bench/learner-engine: learners' own Docker engines (DESIGN.md targets: ready < 5 s, < 100 MB per learner).
// Starts N engines at once at the level the probe picks, and reports each engine's ready time and memory (the
// engine container's cgroup: dockerd, containerd and everything the learner runs), idle and after a pull through
// the mirror and one `docker run`. The baseline, measured in the same run: a bare dockerd with the same storage
// and network flags started directly on the host (ready time) and its resident memory.
// Run: npm run bench:learner-engine [-- --learners 5]   (as root: it starts dockerds)
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { startRegistry } from '../test/harness/provision/registry.ts';
import { startDockerd } from '../test/harness/provision/dockerd.ts';
import { seedImages } from '../test/harness/provision/seed-images.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import {
  describeDecision,
  setUpLearnerEngines,
  type LearnerEngine,
} from '../server/environment/learner-engine/index.ts';

const TARGET_READY_MS = 5_000;
const TARGET_BYTES_PER_LEARNER = 100 * 1024 * 1024;
const MB = 1024 * 1024;

const { values } = parseArgs({ options: { learners: { type: 'string', default: '5' } } });
const learners = Number(values.learners);

/** Resident memory of a process and all its descendants (bytes), from /proc. */
function treeRss(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

const StatsSchema = z.looseObject({ memory_stats: z.looseObject({ usage: z.number().optional() }) });

async function containerMemory(docker: Docker, id: string): Promise<number> {
  const stats = StatsSchema.parse(await docker.getContainer(id).stats({ stream: false }));
  return stats.memory_stats.usage ?? 0;
}

async function enginePid(docker: Docker, id: string): Promise<number> {
  return z.object({ State: z.object({ Pid: z.number() }) }).parse(await docker.getContainer(id).inspect()).State.Pid;
}

async function pullAndRun(engine: LearnerEngine): Promise<void> {
  const progress = (await engine.docker.pull('busybox:latest')) as Readable;
  for await (const _ of progress) {
    // drain: the pull is done when the stream ends
  }
  const c = await engine.docker.createContainer({
    Image: 'busybox:latest',
    Cmd: ['echo', 'hi'],
    HostConfig: { NetworkMode: 'none' },
  });
  await c.start();
  await c.wait();
  await c.remove({ force: true });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const work = mkdtempSync(join(tmpdir(), 'swbe-'));
chmodSync(work, 0o711); // the remapped root must pass through every folder above the outer engine's data root
const registry = await startRegistry(join(work, 'registry'));
const bareStart = Date.now();
const host = await startDockerd(join(work, 'host'), registry.address);
const bareReadyMs = Date.now() - bareStart;
const bareRss = treeRss(Number(readFileSync(join(work, 'host', 'docker.pid'), 'utf8')));
seedImages(host, registry.address);
const hostDocker = dockerFromHost(host.host);
let setup: Awaited<ReturnType<typeof setUpLearnerEngines>> | null = null;
try {
  const openStart = Date.now();
  setup = await setUpLearnerEngines({ hostDocker, stateDir: join(work, 'le'), mode: 'safe', scope: 'bench' });
  const openMs = Date.now() - openStart;
  console.log(describeDecision(setup.decision));
  const engines = setup.engines;
  if (!engines) throw new Error('no learner-engine level works here');
  console.log(`probe and outer engine: ${openMs} ms (once per server)`);
  const alone = await engines.start('bench-alone');
  const aloneRss = treeRss(await enginePid(engines.containerEngine, alone.containerId));
  console.log(
    `one engine alone: ready ${alone.readyMs} ms (bare dockerd on the host: ${bareReadyMs} ms; ratio ${(alone.readyMs / bareReadyMs).toFixed(2)}x); ` +
      `RSS of its processes ${(aloneRss / MB).toFixed(1)} MB (bare dockerd + containerd: ${(bareRss / MB).toFixed(1)} MB; ratio ${(aloneRss / bareRss).toFixed(2)}x)`,
  );
  await alone.dispose();
  const started = await Promise.all(Array.from({ length: learners }, (_, i) => engines.start(`bench-${i}`)));
  const ready = started.map((e) => e.readyMs).sort((a, b) => a - b);
  const idle = await Promise.all(started.map((e) => containerMemory(engines.containerEngine, e.containerId)));
  for (const e of started) await pullAndRun(e);
  const busy = await Promise.all(started.map((e) => containerMemory(engines.containerEngine, e.containerId)));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`${learners} engines started at once`);
  console.log(
    `  ready:  p50 ${pct(ready, 50)} ms, max ${ready.at(-1)} ms (bare dockerd on the host: ${bareReadyMs} ms; ratio p50 ${(pct(ready, 50) / bareReadyMs).toFixed(2)}x)`,
  );
  console.log(
    `  memory per learner (the engine container's cgroup usage), idle: mean ${(mean(idle) / MB).toFixed(1)} MB, max ${(Math.max(...idle) / MB).toFixed(1)} MB`,
  );
  console.log(
    `  memory per learner, after pull + run: mean ${(mean(busy) / MB).toFixed(1)} MB, max ${(Math.max(...busy) / MB).toFixed(1)} MB`,
  );
  const readyOk = (ready.at(-1) ?? Infinity) < TARGET_READY_MS;
  const memOk = Math.max(...busy) < TARGET_BYTES_PER_LEARNER;
  console.log(
    `  target ready < ${TARGET_READY_MS} ms: ${readyOk ? 'met' : 'NOT met'}; < ${TARGET_BYTES_PER_LEARNER / MB} MB per learner: ${memOk ? 'met' : 'NOT met'}`,
  );
  for (const e of started) await e.dispose();
} finally {
  await setup?.engines?.dispose();
  await host.daemon.stop();
  await registry.daemon.stop();
  rmSync(work, { recursive: true, force: true });
}
