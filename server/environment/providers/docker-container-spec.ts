// What one learner's container looks like: the Engine API create body and the labels used to find it again.
import type { ContainerCreateOptions } from 'dockerode';
import { LEARNER_HOME, LEARNER_NAME, LEARNER_USER, SHELL_PATH } from './docker-learner.ts';
import { SESSION_MARKER_VAR } from './local.ts';

/** Every container stepwise makes carries this label, so `list()` and a reaper can find them after a restart. */
export const MANAGED_LABEL = 'io.stepwise.managed';
/** The session id the container belongs to. */
export const SESSION_LABEL = 'io.stepwise.session';
/** Which stepwise server (or test) made it; `list()` reports only its own scope, so two servers sharing an
 * engine never reap each other's learners. */
export const SCOPE_LABEL = 'io.stepwise.scope';
/** The lesson the container is for (a warm container's says which kind of lesson it waits for). */
export const LESSON_LABEL = 'io.stepwise.lesson';
export const DEFAULT_SCOPE = 'default';

/** A fork bomb stops here; a shell, a pipeline of a dozen commands and `tar | gzip` use well under 100. */
export const PIDS_LIMIT = 256;
/** Enough for tar and gzip on lesson-sized files; one learner cannot push the host into swap (unit: bytes). */
export const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;
/** One CPU per learner at most, so a busy loop leaves the server's other core free (unit: 1e-9 CPUs). */
export const NANO_CPUS = 1_000_000_000;

/** Where stepwise's own files (the shell-integration rc) are copied, root-owned and read-only to the learner. */
export const SUPPORT_DIR = '/opt/stepwise';

export interface ContainerSpecInput {
  sessionId: string;
  lessonId: string;
  image: string;
  scope: string;
  env: Record<string, string>;
  network: boolean; // false: NetworkMode none
  /** The learner's own Docker engine, for Docker lessons: its socket folder, the docker CLI, the socket's group. */
  engine?: { binds: string[]; groupAdd: string[] };
}

/** Docker container names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; a session id outside that gets no name (labels suffice). */
const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$/;

export function containerName(sessionId: string): string | undefined {
  return CONTAINER_NAME_RE.test(sessionId) ? `stepwise-${sessionId}` : undefined;
}

/** Every process in the container carries the session's id, as the local backend's do (SESSION_MARKER_VAR). */
function learnerEnv(sessionId: string, extra: Record<string, string>): string[] {
  const base: Record<string, string> = {
    PATH: SHELL_PATH,
    HOME: LEARNER_HOME,
    USER: LEARNER_NAME,
    LOGNAME: LEARNER_NAME,
    TERM: 'xterm-256color',
    ...extra,
    [SESSION_MARKER_VAR]: sessionId,
  };
  return Object.entries(base).map(([k, v]) => `${k}=${v}`);
}

export function containerSpec(input: ContainerSpecInput): ContainerCreateOptions {
  const name = containerName(input.sessionId);
  return {
    ...(name ? { name } : {}),
    Image: input.image,
    // Kept alive by a sleeping process under docker-init (Init: true reaps zombies the learner's jobs leave).
    Cmd: ['sleep', 'infinity'],
    Entrypoint: [],
    User: LEARNER_USER,
    WorkingDir: LEARNER_HOME,
    Env: learnerEnv(input.sessionId, input.env),
    Tty: false,
    OpenStdin: false,
    NetworkDisabled: !input.network,
    Labels: {
      [MANAGED_LABEL]: '1',
      [SESSION_LABEL]: input.sessionId,
      [SCOPE_LABEL]: input.scope,
      [LESSON_LABEL]: input.lessonId,
    },
    HostConfig: {
      Init: true,
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: PIDS_LIMIT,
      Memory: MEMORY_LIMIT_BYTES,
      MemorySwap: MEMORY_LIMIT_BYTES, // equal to Memory: no swap on top
      NanoCpus: NANO_CPUS,
      NetworkMode: input.network ? 'default' : 'none',
      ...(input.engine ? { Binds: input.engine.binds, GroupAdd: input.engine.groupAdd } : {}),
      AutoRemove: false, // destroy() removes it, and a crashed server leaves it for list() to reap
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'none', Config: {} }, // the container's own output is `sleep`'s: nothing worth a log file
    },
  };
}
