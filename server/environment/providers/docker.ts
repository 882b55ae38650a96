// The docker backend (DESIGN.md "Terminals and sessions"): one container per learner through the Engine API,
// running as uid 1000 with no privileges, all capabilities dropped, no-new-privileges, pids and memory limits
// and no network, labelled for reaping. Its default image, stepwise/shell, is built from the host's own files
// (docker-shell-image.ts). Terminals and commands are Docker execs (docker-pty.ts, docker-exec.ts); files move
// through the archive endpoints (docker-tar.ts). A lesson that needs a Docker engine gets the learner's own
// (server/environment/learner-engine) when the backend is given learner engines, and is refused otherwise.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { BackendError } from '../backend.ts';
import type {
  Backend,
  EnvironmentSpec,
  ExecOptions,
  ExecResult,
  PtyHandle,
  SessionEnv,
  TerminalSize,
  WarmContainers,
  WarmKind,
} from '../backend.ts';
import { SHELL_RC } from '../shell-integration.ts';
import { clampSize } from '../../protocol/index.ts';
import { REFUSE_DOCKER_MESSAGE } from '../../lesson/index.ts';
import {
  DEFAULT_SCOPE,
  MANAGED_LABEL,
  SCOPE_LABEL,
  SESSION_LABEL,
  SUPPORT_DIR,
  containerSpec,
  type ContainerSpecInput,
} from './docker-container-spec.ts';
import { engineMessage, isEngineStatus, readAll } from './docker-engine.ts';
import { runContainerExec } from './docker-exec.ts';
import { openDockerPty } from './docker-pty.ts';
import { DEFAULT_SHELL_IMAGE, ensureShellImage, splitReference } from './docker-shell-image.ts';
import { LEARNER_GID, LEARNER_HOME, LEARNER_UID } from './docker-learner.ts';
import {
  containerPath,
  packHostPath,
  packSupportFiles,
  putContainerTar,
  readContainerTar,
  targetName,
} from './docker-tar.ts';
import { localMemberName, renameTarMembers } from './docker-tar-rename.ts';
import { WarmPool } from './docker-warm-pool.ts';
import { SESSION_MARKER_VAR } from './local.ts';
import type { LearnerEngine, LearnerEngines } from '../../environment/learner-engine/index.ts';

/** The shell-integration rc inside the container (root-owned, so the learner cannot change what stepwise reads). */
export const CONTAINER_RC_PATH = `${SUPPORT_DIR}/bashrc`;
/** `mkdir -p` for copyIn's target folder is quick; this only bounds a wedged container (ms). */
const MKDIR_TIMEOUT_MS = 30_000;

export interface DockerBackendOptions {
  docker: Docker;
  /** The image for lessons that name none. Default stepwise/shell:latest. */
  image?: string;
  /** The image name stepwise builds from the host when it is asked for. Default stepwise/shell:latest. */
  shellImage?: string;
  /** Labels this server's containers, so list() never offers another server's (or test's) learners. */
  scope?: string;
  /** Learners' own Docker engines, for lessons that require docker; without them such lessons are refused. */
  learnerEngines?: LearnerEngines;
  /** Why Docker lessons are refused when there are no learner engines (the level policy's words, naming the
   * flag that would allow them). Default REFUSE_DOCKER_MESSAGE. */
  dockerRefusal?: string;
}

const ContainerSummarySchema = z.array(
  z.object({ Id: z.string(), Labels: z.record(z.string(), z.string()).nullable() }),
);

export class DockerBackend implements Backend {
  readonly name = 'docker' as const;
  readonly docker: Docker;
  private readonly image: string;
  private readonly shellImage: string;
  private readonly scope: string;
  /** Session id → container id, for the environments this instance made. */
  private readonly live = new Map<string, string>();
  private readonly learnerEngines: LearnerEngines | undefined;
  private readonly dockerRefusal: string;
  /** Session id → its learner's own engine, for sessions of Docker lessons. */
  private readonly engines = new Map<string, LearnerEngine>();
  /** Containers made ahead of learners, by kind (warmKey): keepWarm(). */
  private readonly pools = new Map<string, WarmPool<WarmShell>>();
  /** The warm pools' makes, chained: one container at a time for all pools together (docker-warm-pool.ts). */
  private warmMaking: Promise<unknown> = Promise.resolve();
  /** Session id → the shell its warm container came with, until the session's first terminal takes it. */
  private readonly waitingShells = new Map<string, PtyHandle>();

  constructor(opts: DockerBackendOptions) {
    this.docker = opts.docker;
    this.learnerEngines = opts.learnerEngines;
    this.dockerRefusal = opts.dockerRefusal ?? REFUSE_DOCKER_MESSAGE;
    this.shellImage = opts.shellImage ?? DEFAULT_SHELL_IMAGE;
    this.image = opts.image ?? this.shellImage;
    this.scope = opts.scope ?? DEFAULT_SCOPE;
  }

  /** Why this backend refuses Docker lessons, or null when each learner gets an engine of their own. */
  dockerLessonRefusal(): string | null {
    return this.learnerEngines === undefined ? this.dockerRefusal : null;
  }

  async create(spec: EnvironmentSpec): Promise<SessionEnv> {
    const engines = spec.requires.includes('docker') ? this.learnerEngines : null;
    if (engines === undefined) throw new BackendError('REQUIRES_UNMET', this.dockerRefusal);
    if (this.live.has(spec.sessionId))
      throw new BackendError('CREATE_FAILED', `session ${spec.sessionId} already exists`);
    const image = spec.image ?? this.image;
    const network = spec.requires.includes('network');
    const pool = spec.env ? undefined : this.pools.get(warmKey({ image, network, docker: !!engines }));
    const warm = pool ? await this.claimRunning(pool) : undefined;
    if (warm !== undefined) {
      if (warm.engine) this.engines.set(spec.sessionId, warm.engine);
      // A lesson whose files go in first (or whose setup runs first) starts its shell after them, as always.
      if (spec.freshShell) warm.shell.kill();
      else this.waitingShells.set(spec.sessionId, warm.shell);
      return this.adopt(spec.sessionId, warm.containerId);
    }
    await this.provideImage(image);
    const engine = engines ? await this.startEngine(engines, spec.sessionId) : undefined;
    try {
      return await this.createShell(spec, image, engine);
    } catch (err) {
      await engine?.dispose();
      throw err;
    }
  }

  private async startEngine(engines: LearnerEngines, sessionId: string): Promise<LearnerEngine> {
    try {
      return await engines.start(sessionId);
    } catch (err) {
      throw new BackendError('CREATE_FAILED', err instanceof Error ? err.message : String(err));
    }
  }

  private async createShell(
    spec: EnvironmentSpec,
    image: string,
    engine: LearnerEngine | undefined,
  ): Promise<SessionEnv> {
    const containerId = await this.makeContainer({
      sessionId: spec.sessionId,
      lessonId: spec.lessonId,
      image,
      env: spec.env ?? {},
      network: spec.requires.includes('network'),
      engine,
    });
    if (engine) this.engines.set(spec.sessionId, engine);
    return this.adopt(spec.sessionId, containerId);
  }

  /**
   * A waiting container that is still running with its shell, or undefined when the pool has none. One whose
   * shell ended, or that the engine no longer runs (an engine restart, another server's reaping, the OOM killer),
   * is removed instead of handed out.
   */
  private async claimRunning(pool: WarmPool<WarmShell>): Promise<WarmShell | undefined> {
    for (let warm = pool.claim(); warm !== undefined; warm = pool.claim()) {
      if (!warm.ended) {
        try {
          const state = WarmStateSchema.parse(await this.docker.getContainer(warm.containerId).inspect());
          if (state.State.Running) return warm;
        } catch {
          // gone, or the engine cannot say: not one to hand a learner
        }
      }
      void this.removeWarm(warm).catch(() => {}); // best effort; a leftover is reaped at the next start
    }
    return undefined;
  }

  /** The session's environment is this running container from now on. */
  private adopt(sessionId: string, containerId: string): SessionEnv {
    this.live.set(sessionId, containerId);
    return { id: sessionId, backend: 'docker', workdir: LEARNER_HOME, createdAt: Date.now() };
  }

  /**
   * Creates a learner container with stepwise's support files in it and starts it; its id. Nothing is left if it
   * fails. With the learner's own engine, its socket folder, the docker CLI and DOCKER_HOST are given to it.
   */
  private async makeContainer(
    input: Omit<ContainerSpecInput, 'scope' | 'engine'> & { engine: LearnerEngine | undefined },
  ): Promise<string> {
    const { engine, ...spec } = input;
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(
        containerSpec({
          ...spec,
          scope: this.scope,
          env: { ...spec.env, ...(engine?.shell.env ?? {}) },
          ...(engine ? { engine: { binds: engine.shell.binds, groupAdd: engine.shell.groupAdd } } : {}),
        }),
      );
    } catch (err) {
      throw new BackendError(
        'CREATE_FAILED',
        `cannot create a container for session ${input.sessionId} from ${input.image}: ${engineMessage(err)}`,
      );
    }
    try {
      const support = packSupportFiles(
        [
          { path: SUPPORT_DIR, uid: 0, gid: 0 },
          { path: LEARNER_HOME, uid: LEARNER_UID, gid: LEARNER_GID },
        ],
        [{ path: CONTAINER_RC_PATH, content: SHELL_RC, mode: 0o644 }],
      );
      await putContainerTar(this.docker, container.id, '/', support);
      await container.start();
    } catch (err) {
      await this.removeContainer(container.id);
      throw new BackendError(
        'CREATE_FAILED',
        `cannot start the container for session ${input.sessionId}: ${engineMessage(err)}`,
      );
    }
    return container.id;
  }

  /**
   * Keeps `size` containers of each kind made and started ahead of learners (docker-warm-pool.ts), each with its
   * first shell already running: a session of a lesson of that kind claims one, and its first terminal is that
   * shell, so joining asks the engine for nothing but a resize. That one shell was started before its learner was
   * known, so its STEPWISE_SESSION is the pool's id; every later terminal and every exec carries the session's.
   * For a Docker lesson each waiting container comes with a learner engine of its own, started under the pool's id
   * and bound in at creation. Sessions with their own environment variables never use the pool. The returned
   * handle stops the pools and removes the containers (and engines) still in them.
   */
  keepWarm(kinds: readonly WarmKind[], size: number, onError: (err: unknown) => void): WarmContainers {
    const started: WarmPool<WarmShell>[] = [];
    for (const wanted of kinds) {
      const kind = { image: wanted.image ?? this.image, network: wanted.network, docker: wanted.docker };
      const key = warmKey(kind);
      // Docker lessons are refused without learner engines: nothing to make ahead for them.
      if (size <= 0 || this.pools.has(key) || (kind.docker && !this.learnerEngines)) continue;
      const pool = new WarmPool<WarmShell>({
        size,
        make: (poolSessionId) => this.oneMakeAtATime(() => this.makeWarm(kind, poolSessionId)),
        remove: (warm) => this.removeWarm(warm),
        onError,
      });
      this.pools.set(key, pool);
      started.push(pool);
    }
    return {
      ready: () => started.reduce((n, pool) => n + pool.readyCount, 0),
      settled: async () => {
        await Promise.all(started.map((pool) => pool.settled()));
      },
      dispose: async () => {
        for (const [key, pool] of this.pools) if (started.includes(pool)) this.pools.delete(key);
        await Promise.all(started.map((pool) => pool.dispose()));
      },
    };
  }

  async openTerminal(env: SessionEnv, size: TerminalSize): Promise<PtyHandle> {
    const waiting = this.waitingShells.get(env.id);
    if (waiting) {
      this.waitingShells.delete(env.id);
      waiting.resize(size);
      return waiting;
    }
    return this.openShell(this.containerOf(env), env.id, size);
  }

  /** An interactive shell with stepwise's shell integration, carrying `sessionId` (the container's own environment
   * has a warm container's pool id instead). */
  private openShell(containerId: string, sessionId: string, size: TerminalSize): Promise<PtyHandle> {
    return openDockerPty({
      docker: this.docker,
      containerId,
      argv: ['bash', '--rcfile', CONTAINER_RC_PATH, '-i'],
      env: { COLORTERM: 'truecolor', [SESSION_MARKER_VAR]: sessionId },
      cwd: LEARNER_HOME,
      size: clampSize(size.cols, size.rows),
    });
  }

  /** One waiting container of `kind`, with its first shell (and, for a Docker lesson, its learner engine). */
  private async makeWarm(kind: Required<WarmKind>, poolSessionId: string): Promise<WarmShell> {
    await this.provideImage(kind.image);
    const engines = this.learnerEngines;
    const engine = kind.docker && engines ? await this.startEngine(engines, poolSessionId) : undefined;
    let containerId: string | null = null;
    try {
      containerId = await this.makeContainer({
        sessionId: poolSessionId,
        lessonId: warmLessonLabel(kind), // no lesson yet: the label says which kind it waits for
        image: kind.image,
        env: {},
        network: kind.network,
        engine,
      });
      // Nothing reads it until a session's first terminal listens (docker-pty.ts): its prompt waits.
      const shell = await this.openShell(containerId, poolSessionId, WARM_SHELL_SIZE);
      const warm: WarmShell = { containerId, shell, ended: false, ...(engine ? { engine } : {}) };
      const watch = shell.onExit(() => {
        warm.ended = true;
        watch.dispose();
      });
      return warm;
    } catch (err) {
      try {
        if (containerId) await this.removeContainer(containerId);
      } finally {
        await engine?.dispose();
      }
      throw err;
    }
  }

  private oneMakeAtATime<T>(make: () => Promise<T>): Promise<T> {
    const run = this.warmMaking.then(make, make);
    this.warmMaking = run.catch(() => undefined);
    return run;
  }

  /** Removes a warm container (and its learner engine) and lets go of its shell's stream (the kill after the
   * removal only ends the stream). */
  private async removeWarm(warm: WarmShell): Promise<void> {
    try {
      await this.removeContainer(warm.containerId);
    } finally {
      warm.shell.kill();
      await warm.engine?.dispose();
    }
  }

  async exec(env: SessionEnv, argv: string[], opts: ExecOptions): Promise<ExecResult> {
    const cwd = opts.cwd === undefined ? undefined : containerPath(env.workdir, opts.cwd);
    return runContainerExec({ docker: this.docker, containerId: this.containerOf(env), workdir: env.workdir }, argv, {
      ...opts,
      env: { ...opts.env, [SESSION_MARKER_VAR]: env.id },
      cwd,
    });
  }

  /** Members are named as `path` was given, like the local backend's (see docker-tar-rename.ts). */
  async readTar(env: SessionEnv, path: string): Promise<Readable> {
    const absolute = containerPath(env.workdir, path);
    const archive = await readContainerTar(this.docker, this.containerOf(env), absolute);
    return renameTarMembers(archive, posix.basename(absolute), localMemberName(path));
  }

  async copyIn(env: SessionEnv, hostPath: string, target: string): Promise<void> {
    const containerId = this.containerOf(env);
    const absolute = containerPath(env.workdir, target);
    const name = targetName(absolute);
    const parent = posix.dirname(absolute);
    const mkdir = await this.exec(env, ['mkdir', '-p', '--', parent], { timeoutMs: MKDIR_TIMEOUT_MS });
    if (mkdir.exitCode !== 0) {
      throw new BackendError(
        'EXEC_FAILED',
        `cannot copy ${hostPath} to ${target}: mkdir ${parent} failed: ${mkdir.stderr.trim()}`,
      );
    }
    await putContainerTar(this.docker, containerId, parent, packHostPath(hostPath, name));
  }

  /** The learner's own engine for a Docker lesson's session; null for other sessions. */
  engine(env: SessionEnv): Docker | null {
    return this.engines.get(env.id)?.docker ?? null;
  }

  /** Removes the session's container (and so every process in it). Idempotent; finds reaped sessions by label. */
  async destroy(env: SessionEnv): Promise<void> {
    const known = this.live.get(env.id);
    this.live.delete(env.id);
    const waiting = this.waitingShells.get(env.id);
    this.waitingShells.delete(env.id);
    const engine = this.engines.get(env.id);
    this.engines.delete(env.id);
    try {
      if (engine) await engine.dispose();
      else await this.learnerEngines?.reap(env.id); // a session an earlier run left: its engine too
      const ids = known ? [known] : (await this.managedContainers(env.id)).map((c) => c.id);
      for (const id of ids) await this.removeContainer(id);
    } finally {
      waiting?.kill(); // a warm shell no terminal took: its container is gone, so this only ends its stream
    }
  }

  /** Sessions in this backend's scope whose containers this instance did not make: left by an earlier run. */
  async list(): Promise<string[]> {
    const sessions = new Set<string>();
    const liveContainers = new Set(this.live.values());
    const pools = [...this.pools.values()];
    for (const c of await this.managedContainers()) {
      if (this.live.has(c.sessionId) || liveContainers.has(c.id)) continue;
      if (pools.some((pool) => pool.ownsSession(c.sessionId))) continue;
      sessions.add(c.sessionId);
    }
    // An engine whose shell container is already gone (a crash between the two) is a leftover too.
    for (const id of (await this.learnerEngines?.list()) ?? []) if (!this.live.has(id)) sessions.add(id);
    return [...sessions].sort();
  }

  /** The container of a live session, for tests and diagnostics. */
  containerId(env: SessionEnv): string {
    return this.containerOf(env);
  }

  private containerOf(env: SessionEnv): string {
    const id = this.live.get(env.id);
    if (!id) throw new BackendError('NOT_FOUND', `session ${env.id} has no container (destroyed or never made)`);
    return id;
  }

  private async managedContainers(sessionId?: string): Promise<{ id: string; sessionId: string }[]> {
    const label = [`${MANAGED_LABEL}=1`, `${SCOPE_LABEL}=${this.scope}`];
    if (sessionId !== undefined) label.push(`${SESSION_LABEL}=${sessionId}`);
    const raw: unknown = await this.docker.listContainers({ all: true, filters: { label } });
    return ContainerSummarySchema.parse(raw).map((c) => ({ id: c.Id, sessionId: c.Labels?.[SESSION_LABEL] ?? '' }));
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (err) {
      // 404: already gone; 409: another destroy is removing it right now. Both mean "it will not stay".
      if (isEngineStatus(err, 404) || isEngineStatus(err, 409)) return;
      throw new BackendError('EXEC_FAILED', `cannot remove container ${id.slice(0, 12)}: ${engineMessage(err)}`);
    }
  }

  /** The shell image is built from the host when missing or stale; any other image must be present or pullable. */
  private async provideImage(image: string): Promise<void> {
    if (withTag(image) === withTag(this.shellImage)) {
      await ensureShellImage(this.docker, image);
      return;
    }
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (err) {
      if (!isEngineStatus(err, 404))
        throw new BackendError('CREATE_FAILED', `cannot inspect image ${image}: ${engineMessage(err)}`);
    }
    try {
      const progress = (await this.docker.pull(image)) as unknown as Readable; // the engine's HTTP response
      const text = (await readAll(progress)).toString('utf8');
      const failure = /"error"\s*:\s*"([^"]*)"/.exec(text);
      if (failure) throw new Error(failure[1]);
    } catch (err) {
      throw new BackendError(
        'CREATE_FAILED',
        `image ${image} is not in the engine and could not be pulled: ${engineMessage(err)}`,
      );
    }
  }
}

/** A warm container and the first shell in it, started before any learner asked; for a Docker lesson, with the
 * learner engine bound into it. */
interface WarmShell {
  containerId: string;
  shell: PtyHandle;
  engine?: LearnerEngine;
  /** Its shell has exited (seen only if its stream ended while it waited). */
  ended: boolean;
}

const WarmStateSchema = z.object({ State: z.object({ Running: z.boolean() }) });

/** The size a warm shell starts at; the terminal that takes it resizes it to the learner's at once. */
const WARM_SHELL_SIZE: TerminalSize = { cols: 80, rows: 24 };

/** A warm container's lesson label: the kind of lesson it waits for. */
export function warmLessonLabel(kind: Required<WarmKind>): string {
  return `warm:${warmKey(kind)}`;
}

/** One pool per image, network setting and engine: those are fixed when a container is made. */
function warmKey(kind: Required<WarmKind>): string {
  return `${withTag(kind.image)}|${kind.network ? 'network' : 'none'}|${kind.docker ? 'engine' : 'no-engine'}`;
}

/** `stepwise/shell` and `stepwise/shell:latest` name the same image. */
function withTag(image: string): string {
  if (image.includes('@')) return image;
  const { repo, tag } = splitReference(image);
  return `${repo}:${tag}`;
}
