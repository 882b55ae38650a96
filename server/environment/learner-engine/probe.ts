// Which isolation level works on this machine, found by trying it: start a learner engine at the level and run
// one container in it (that exercises runc's cgroups, mounts and sysfs, where engines in containers fail).
// The result is cached per state folder for the life of the process; the engine set of the level chosen is
// kept and handed to the caller, so the probe costs one engine start, not two.
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import {
  chooseLevel,
  ISOLATION_LEVELS,
  type IsolationLevel,
  type LearnerEnginesMode,
  type LevelDecision,
  type ProbeResult,
} from './levels.ts';
import { engineImageLayout, ensureEngineImage } from './engine-image.ts';
import { NSENTER_PATH } from './netns-listener.ts';
import { DOCKERD_PATH } from './outer-engine.ts';
import { LearnerEngines } from './provisioner.ts';
import { existsSync } from 'node:fs';
import { PROBE_TIMEOUT_MS } from './limits.ts';

export interface LearnerEngineSetupOptions {
  hostDocker: Docker;
  stateDir: string;
  mode: LearnerEnginesMode;
  scope?: string;
}

export interface LearnerEngineSetup {
  probe: ProbeResult;
  decision: LevelDecision;
  /** The engines at the chosen level, owned by the caller; null when Docker lessons are refused. */
  engines: LearnerEngines | null;
}

const probeCache = new Map<string, ProbeResult>();
const PROBE_LEARNER = 'stepwise-probe';

/** Probes (once per state folder) and opens the engines of the strongest level that works and `mode` allows. */
export async function setUpLearnerEngines(opts: LearnerEngineSetupOptions): Promise<LearnerEngineSetup> {
  const key = resolve(opts.stateDir);
  const cached = probeCache.get(key);
  if (cached) {
    const decision = chooseLevel(cached, opts.mode);
    const engines = decision.kind === 'level' ? await LearnerEngines.open({ ...opts, level: decision.level }) : null;
    return { probe: cached, decision, engines };
  }
  const probe: ProbeResult = { userns: 'not probed', privileged: 'not probed' };
  let kept: LearnerEngines | null = null;
  for (const level of ISOLATION_LEVELS) {
    const outcome = await probeLevel(level, opts);
    probe[level] = typeof outcome === 'string' ? outcome : null;
    if (typeof outcome !== 'string') {
      const decision = chooseLevel(probe, opts.mode);
      if (kept === null && decision.kind === 'level' && decision.level === level) kept = outcome;
      else await outcome.dispose();
      break; // a working level makes weaker ones moot
    }
  }
  probeCache.set(key, { ...probe });
  return { probe, decision: chooseLevel(probe, opts.mode), engines: kept };
}

/** The engines at `level` when one engine there runs a container, else the reason it does not. */
async function probeLevel(level: IsolationLevel, opts: LearnerEngineSetupOptions): Promise<LearnerEngines | string> {
  if (level === 'userns') {
    if (process.getuid?.() !== 0) return 'the server is not root, so it cannot start a dockerd with --userns-remap';
    for (const tool of [DOCKERD_PATH, NSENTER_PATH]) if (!existsSync(tool)) return `${tool} is missing`;
  }
  let engines: LearnerEngines | null = null;
  const timeout = new Promise<string>((done) =>
    setTimeout(() => done(`the probe took over ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS).unref(),
  );
  const attempt = (async (): Promise<string | null> => {
    engines = await LearnerEngines.open({ ...opts, level, scope: `${opts.scope ?? 'default'}-probe` });
    const engine = await engines.start(PROBE_LEARNER);
    try {
      return await runOneContainer(engine.docker);
    } finally {
      await engine.dispose();
    }
  })().catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
  const failure = await Promise.race([attempt, timeout]);
  const opened = engines as LearnerEngines | null;
  if (failure !== null && failure.startsWith('the probe took over')) {
    // The attempt may still finish later: whatever it opened is then stopped, never left running.
    void attempt.then(() => (engines as LearnerEngines | null)?.dispose());
    return failure;
  }
  if (failure === null && opened !== null) {
    // The probe's scope was only for the probe engine; the caller gets engines in its own scope.
    await opened.dispose();
    return LearnerEngines.open({ ...opts, level });
  }
  await opened?.dispose();
  return failure ?? 'the probe failed';
}

/** Runs `/usr/bin/true` from the host's /usr in the engine: null when it exits 0, else the engine's error. */
async function runOneContainer(docker: Docker): Promise<string | null> {
  const layout = engineImageLayout();
  await ensureEngineImage(docker, layout);
  const container = await docker.createContainer({
    Image: layout.tag,
    Entrypoint: [],
    Cmd: ['/usr/bin/true'],
    HostConfig: { Binds: layout.bindDirs.map((d) => `${d}:${d}:ro`), NetworkMode: 'none' },
    NetworkDisabled: true,
  });
  try {
    await container.start();
    const result = z.object({ StatusCode: z.number() }).parse(await container.wait());
    return result.StatusCode === 0 ? null : `a container in the engine exited ${result.StatusCode}`;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
