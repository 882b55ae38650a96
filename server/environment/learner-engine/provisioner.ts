// Starts and stops learners' own Docker engines at one isolation level (levels.ts). Each engine is a container
// (engine-container.ts) in the dedicated userns-remapped dockerd (outer-engine.ts) or, at the privileged level,
// in the host engine. Its socket is in a per-learner host folder mounted at /run/stepwise-engine in the engine
// container and in that learner's shell container only. The registry mirrors reach it through mirror-proxy.ts.
// Every engine is owned: dispose() removes its container, volume and folder; list() and reap() find what an
// earlier run left.
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { z } from 'zod';
import { type IsolationLevel } from './levels.ts';
import {
  ENGINE_LABEL,
  ENGINE_LEARNER_LABEL,
  ENGINE_RUN_DIR,
  ENGINE_SCOPE_LABEL,
  ENGINE_SOCKET_NAME,
  LEARNER_DOCKER_HOST,
  engineContainerSpec,
  engineLabels,
} from './engine-container.ts';
import { ENGINE_SOCKET_GID, engineImageLayout, ensureEngineImage, type EngineImageLayout } from './engine-image.ts';
import { dockerOverPinned, pingPinned, pinSocket, type PinnedSocket } from './engine-socket.ts';
import { ENGINE_READY_POLL_MS, ENGINE_READY_TIMEOUT_MS, MIRROR_PROXY_PORT } from './limits.ts';
import { serveMirrorProxy, type MirrorProxy } from './mirror-proxy.ts';
import { listenInNetns } from './netns-listener.ts';
import { OuterEngine, outerEngineDir, type RemapBase } from './outer-engine.ts';
import { hostRegistryMirrors } from './registry-mirrors.ts';

/** The docker CLI the learner's shell gets, bind-mounted read-only from the host (it needs only libc). */
export const HOST_DOCKER_CLI = '/usr/bin/docker';
export const SHELL_DOCKER_CLI = '/usr/local/bin/docker';
/** Learner ids become folder and volume names: the same alphabet as container names. */
const LEARNER_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$/;
const DEFAULT_SCOPE = 'default';

export class LearnerEngineError extends Error {
  override readonly name = 'LearnerEngineError';
  constructor(
    readonly code: 'ENGINE_START_FAILED' | 'ENGINE_BAD_LEARNER' | 'ENGINE_EXISTS',
    message: string,
  ) {
    super(message);
  }
}

export interface LearnerEnginesOptions {
  level: IsolationLevel;
  /** The engine learners' shell containers run in: it hosts privileged engines, and its mirrors are used. */
  hostDocker: Docker;
  /** The server's folder for the outer engine and the socket folders (made 0711: the remapped root must pass
   * through it to the outer engine's data root, but nobody may list it; the socket folders sit in a 0700 one). */
  stateDir: string;
  /** Labels this server's engines, so list() never offers another server's (or test's) learners. */
  scope?: string;
}

/** What a learner's shell container needs to use its engine. */
export interface ShellEngineAccess {
  binds: string[];
  env: Record<string, string>;
  groupAdd: string[];
}

export interface LearnerEngine {
  readonly learnerId: string;
  readonly level: IsolationLevel;
  /** The server's own client (for checks): over the pinned socket, never by the path a learner can change. */
  readonly docker: Docker;
  readonly shell: ShellEngineAccess;
  /** From create to the first answered /_ping (ms). */
  readonly readyMs: number;
  readonly containerId: string;
  dispose(): Promise<void>;
}

const ContainerListSchema = z.array(z.object({ Id: z.string(), Labels: z.record(z.string(), z.string()).nullable() }));

export class LearnerEngines {
  private readonly live = new Map<string, LearnerEngine>();
  private disposed = false;

  private constructor(
    readonly level: IsolationLevel,
    /** Where engine containers run: the outer engine (userns) or the host engine (privileged). */
    private readonly engineDocker: Docker,
    private readonly outer: OuterEngine | null,
    private readonly remap: RemapBase,
    private readonly stateDir: string,
    private readonly scope: string,
    private readonly layout: EngineImageLayout,
    private readonly mirrors: URL[],
  ) {}

  static async open(opts: LearnerEnginesOptions): Promise<LearnerEngines> {
    if (!existsSync(HOST_DOCKER_CLI))
      throw new LearnerEngineError(
        'ENGINE_START_FAILED',
        `the host has no docker CLI at ${HOST_DOCKER_CLI} to give learners`,
      );
    await mkdir(opts.stateDir, { recursive: true, mode: 0o711 });
    await chmod(opts.stateDir, 0o711);
    await mkdir(join(opts.stateDir, 'engines'), { recursive: true, mode: 0o700 });
    const mirrors = await hostRegistryMirrors(opts.hostDocker);
    const layout = engineImageLayout();
    const outer = opts.level === 'userns' ? await OuterEngine.start(outerEngineDir(opts.stateDir)) : null;
    try {
      const engineDocker = outer?.docker ?? opts.hostDocker;
      await ensureEngineImage(engineDocker, layout);
      const remap = outer?.remap ?? { uid: 0, gid: 0 };
      return new LearnerEngines(
        opts.level,
        engineDocker,
        outer,
        remap,
        opts.stateDir,
        opts.scope ?? DEFAULT_SCOPE,
        layout,
        mirrors,
      );
    } catch (err) {
      await outer?.stop();
      throw err;
    }
  }

  /** Starts `learnerId`'s engine and waits until it answers. */
  async start(learnerId: string): Promise<LearnerEngine> {
    if (this.disposed) throw new LearnerEngineError('ENGINE_START_FAILED', 'the learner engines were shut down');
    if (!LEARNER_ID_RE.test(learnerId))
      throw new LearnerEngineError('ENGINE_BAD_LEARNER', `learner id "${learnerId}" is not a safe name`);
    if (this.live.has(learnerId))
      throw new LearnerEngineError('ENGINE_EXISTS', `learner ${learnerId} already has an engine`);
    await this.reap(learnerId); // what a crashed run left for this learner
    const started = Date.now();
    const learnerDir = this.learnerDir(learnerId);
    const runDir = join(learnerDir, 'run');
    await mkdir(runDir, { recursive: true, mode: 0o711 });
    // The engine's root creates its socket here; the learner (uid 1000) only passes through.
    await chown(runDir, this.remap.uid, this.remap.gid);
    await chmod(runDir, 0o711);
    const volume = `stepwise-engine-${this.scope}-${learnerId}`.slice(0, 200);
    const proxies: MirrorProxy[] = [];
    let containerId: string | null = null;
    let pinned: PinnedSocket | null = null;
    const cleanUp = async () => {
      for (const p of proxies) p.close();
      pinned?.close();
      if (containerId) await this.removeContainer(containerId);
      await this.removeVolume(volume);
      await rm(learnerDir, { recursive: true, force: true });
    };
    try {
      await this.engineDocker.createVolume({ Name: volume, Labels: engineLabels(learnerId, this.scope) });
      const container = await this.engineDocker.createContainer(
        engineContainerSpec({
          level: this.level,
          learnerId,
          scope: this.scope,
          image: this.layout.tag,
          bindDirs: this.layout.bindDirs,
          runDir,
          volume,
          mirrorCount: this.mirrors.length,
        }),
      );
      containerId = container.id;
      await container.start();
      const pid = z.object({ State: z.object({ Pid: z.number() }) }).parse(await container.inspect()).State.Pid;
      // The proxies' helper processes and dockerd's own start-up overlap: both take about a second.
      const opening = Promise.all(
        this.mirrors.map(async (mirror, i) =>
          proxies.push(serveMirrorProxy(await listenInNetns(pid, MIRROR_PROXY_PORT + i), mirror)),
        ),
      );
      const [, socket] = await Promise.all([opening, this.waitReady(join(runDir, ENGINE_SOCKET_NAME), container)]);
      pinned = socket;
    } catch (err) {
      await cleanUp();
      if (err instanceof LearnerEngineError) throw err;
      throw new LearnerEngineError(
        'ENGINE_START_FAILED',
        `cannot start the Docker engine of learner ${learnerId}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const socket = pinned;
    let disposing: Promise<void> | null = null;
    const engine: LearnerEngine = {
      learnerId,
      level: this.level,
      docker: await dockerOverPinned(socket),
      shell: {
        binds: [`${runDir}:${ENGINE_RUN_DIR}`, `${HOST_DOCKER_CLI}:${SHELL_DOCKER_CLI}:ro`],
        env: { DOCKER_HOST: LEARNER_DOCKER_HOST },
        groupAdd: [String(this.remap.gid + ENGINE_SOCKET_GID)],
      },
      readyMs: Date.now() - started,
      containerId,
      dispose: () => {
        disposing ??= (async () => {
          this.live.delete(learnerId);
          await cleanUp();
        })();
        return disposing;
      },
    };
    this.live.set(learnerId, engine);
    return engine;
  }

  /** Learners in this scope with an engine container this instance did not start: left by an earlier run. */
  async list(): Promise<string[]> {
    const learners = new Set<string>();
    for (const c of await this.containers()) if (!this.live.has(c.learnerId)) learners.add(c.learnerId);
    return [...learners].sort();
  }

  /** Removes whatever an earlier run left for `learnerId`: container, volume, folder. Idempotent. */
  async reap(learnerId: string): Promise<void> {
    if (this.live.has(learnerId))
      throw new LearnerEngineError('ENGINE_EXISTS', `learner ${learnerId}'s engine is live: dispose it instead`);
    for (const c of await this.containers(learnerId)) await this.removeContainer(c.id);
    await this.removeVolume(`stepwise-engine-${this.scope}-${learnerId}`.slice(0, 200));
    if (LEARNER_ID_RE.test(learnerId)) await rm(this.learnerDir(learnerId), { recursive: true, force: true });
  }

  /** Stops every live engine and the outer engine. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([...this.live.values()].map((e) => e.dispose()));
    await this.outer?.stop();
  }

  /** The engine that runs engine containers (for tests and diagnostics). */
  get containerEngine(): Docker {
    return this.engineDocker;
  }

  get registryMirrors(): readonly URL[] {
    return this.mirrors;
  }

  private learnerDir(learnerId: string): string {
    return join(this.stateDir, 'engines', learnerId);
  }

  private async waitReady(socketPath: string, container: Docker.Container): Promise<PinnedSocket> {
    const deadline = Date.now() + ENGINE_READY_TIMEOUT_MS;
    let last = 'no socket yet';
    while (Date.now() < deadline) {
      let socket: PinnedSocket | null = null;
      try {
        socket = pinSocket(socketPath);
        if (await pingPinned(socket, ENGINE_READY_POLL_MS * 10)) return socket;
        last = 'the socket does not answer /_ping yet';
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      socket?.close();
      const state = z.object({ State: z.object({ Running: z.boolean() }) }).parse(await container.inspect()).State;
      if (!state.Running) throw new Error(`the engine exited during start-up: ${await logTail(container)}`);
      await sleep(ENGINE_READY_POLL_MS);
    }
    throw new Error(
      `the engine did not answer in ${ENGINE_READY_TIMEOUT_MS} ms (${last}): ${await logTail(container)}`,
    );
  }

  private async containers(learnerId?: string): Promise<{ id: string; learnerId: string }[]> {
    const label = [`${ENGINE_LABEL}=1`, `${ENGINE_SCOPE_LABEL}=${this.scope}`];
    if (learnerId !== undefined) label.push(`${ENGINE_LEARNER_LABEL}=${learnerId}`);
    const raw: unknown = await this.engineDocker.listContainers({ all: true, filters: { label } });
    return ContainerListSchema.parse(raw).map((c) => ({ id: c.Id, learnerId: c.Labels?.[ENGINE_LEARNER_LABEL] ?? '' }));
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.engineDocker.getContainer(id).remove({ force: true });
    } catch (err) {
      if (!isStatus(err, 404) && !isStatus(err, 409)) throw err; // gone, or being removed right now
    }
  }

  private async removeVolume(name: string): Promise<void> {
    try {
      await this.engineDocker.getVolume(name).remove({ force: true });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
}

function isStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: unknown }).statusCode === status;
}

async function logTail(container: Docker.Container): Promise<string> {
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, tail: 5 })) as unknown;
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
    // Strip the multiplexed-stream frame headers (8 bytes each) crudely: keep printable text only.
    return text
      .replace(/[^\x20-\x7e\n]/g, '')
      .trim()
      .split('\n')
      .slice(-5)
      .join(' | ');
  } catch {
    return '(no log)';
  }
}
