// The dedicated dockerd that runs learners' engine containers at the userns level: started by stepwise with
// `--userns-remap default`, so uid 0 in each engine container is an unprivileged uid on the host (dockerd adds
// the `dockremap` user and its 65536-id ranges to /etc/subuid and /etc/subgid on its first start). Its own
// socket, data root and exec root live under one folder the server owns; nothing on the host network changes.
// A server killed with SIGKILL leaves it running: the next start adopts it by its socket.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { z } from 'zod';
import { ENGINE_READY_POLL_MS, OUTER_ENGINE_START_TIMEOUT_MS, OUTER_ENGINE_STOP_GRACE_MS } from './limits.ts';

export const DOCKERD_PATH = '/usr/sbin/dockerd';
/** Linux's sun_path holds 108 bytes with the terminating NUL; containerd's socket is the deepest one here. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;
const DEEPEST_SOCKET = join('exec', 'containerd', 'containerd-debug.sock');

/**
 * Where the outer dockerd lives when the state folder cannot hold it (ancestors the remapped root cannot pass, such
 * as a 0700 /root, or a path too deep for its sockets): a system daemon's usual place, one folder per state folder.
 */
export const OUTER_ENGINE_FALLBACK_ROOT = '/var/lib/stepwise';

/**
 * The outer dockerd's folder for the learner engines kept in `stateDir`: `stateDir/outer` when every folder above
 * it lets others pass (o+x; dockerd refuses a remapped data root below one that does not) and its deepest socket
 * fits; otherwise a short folder under OUTER_ENGINE_FALLBACK_ROOT named by a hash of `stateDir`, so each state
 * folder keeps its own engine and a restart finds (adopts) the same one.
 */
export function outerEngineDir(stateDir: string): string {
  const preferred = join(resolve(stateDir), 'outer');
  const fits = Buffer.byteLength(join(preferred, DEEPEST_SOCKET)) <= MAX_UNIX_SOCKET_PATH_BYTES;
  if (fits && ancestorsPassable(dirname(preferred))) return preferred;
  const key = createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16);
  return join(OUTER_ENGINE_FALLBACK_ROOT, `outer-${key}`);
}

/** Every existing folder from `dir` up to / lets others pass (o+x). Folders not made yet will be made 0711. */
function ancestorsPassable(dir: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    try {
      if ((statSync(at).mode & 0o001) === 0) return false;
    } catch {
      // not there yet: mkdir makes it 0711
    }
    if (dirname(at) === at) return true;
  }
}

export class OuterEngineError extends Error {
  override readonly name = 'OuterEngineError';
  readonly code = 'OUTER_ENGINE_FAILED';
}

const InfoSchema = z.looseObject({
  DockerRootDir: z.string(),
  SecurityOptions: z.array(z.string()).nullable().optional(),
});

/** Where uid 0 and gid 0 of the remapped containers land on the host. */
export interface RemapBase {
  uid: number;
  gid: number;
}

export class OuterEngine {
  private constructor(
    readonly dir: string,
    readonly docker: Docker,
    readonly remap: RemapBase,
    private readonly child: ChildProcess | null, // null: adopted from an earlier run
  ) {}

  get socketPath(): string {
    return join(this.dir, 'docker.sock');
  }

  /** Starts (or adopts) the outer dockerd whose files live in `dir`. dockerd requires the remapped root to pass
   * through every folder above its data root (o+x), so they are 0711: passable, not listable. */
  /**
   * Invariant: only the process named in `owner.pid` stops this dockerd. A `stepwise check` and a class server on
   * one host share a state folder, hence this folder: the one that finds the dockerd answering while its owner
   * lives uses it without owning it, so finishing a check never takes a running class's engines down. An owner
   * that died (SIGKILL) is replaced by whoever adopts the dockerd next.
   */
  static async start(dir: string): Promise<OuterEngine> {
    const deepest = join(dir, DEEPEST_SOCKET);
    if (Buffer.byteLength(deepest) > MAX_UNIX_SOCKET_PATH_BYTES) {
      throw new OuterEngineError(
        `the state folder ${dir} is too deep: containerd's socket ${deepest} would exceed ${MAX_UNIX_SOCKET_PATH_BYTES} bytes; use a shorter state folder`,
      );
    }
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    if (dir.startsWith(`${OUTER_ENGINE_FALLBACK_ROOT}/`)) {
      assertOwnedFolder(OUTER_ENGINE_FALLBACK_ROOT);
      assertOwnedFolder(dir);
    }
    chmodSync(dir, 0o711);
    const socketPath = join(dir, 'docker.sock');
    // Imported on first use, not when the server loads (see dockerOverPinned in engine-socket.ts).
    const { default: Dockerode } = await import('dockerode');
    const docker = new Dockerode({ socketPath });
    if (await answers(docker)) {
      const owner = readPid(join(dir, OWNER_FILE));
      if (owner === null || owner === process.pid || !alive(owner)) writeOwner(dir);
      return new OuterEngine(dir, docker, await remapBase(docker), null);
    }
    mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o711 });
    mkdirSync(join(dir, 'exec'), { recursive: true, mode: 0o700 });
    const args = [
      '--host',
      `unix://${socketPath}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'docker.pid'),
      '--storage-driver',
      'vfs', // engine containers' own rootfs is a few empty folders
      '--bridge',
      'none',
      '--iptables=false',
      '--ip-masq=false',
      '--userns-remap',
      'default',
    ];
    const logFile = join(dir, 'dockerd.log');
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(DOCKERD_PATH, args, { stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    let exited: string | null = null;
    child.on('error', (err) => (exited = err.message));
    child.on('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
    const deadline = Date.now() + OUTER_ENGINE_START_TIMEOUT_MS;
    while (!(await answers(docker))) {
      if (exited !== null || Date.now() > deadline) {
        if (exited === null) child.kill('SIGKILL');
        await unmountUnder(dir);
        throw new OuterEngineError(
          `the learner engines' dockerd (${DOCKERD_PATH} --userns-remap default) did not start (${exited ?? 'timed out'}): ${logTail(logFile)}`,
        );
      }
      await sleep(ENGINE_READY_POLL_MS);
    }
    child.unref();
    writeOwner(dir);
    return new OuterEngine(dir, docker, await remapBase(docker), child);
  }

  /** Stops dockerd (and with it every engine container): SIGTERM, then SIGKILL to its group after a grace. */
  async stop(): Promise<void> {
    if (readPid(join(this.dir, OWNER_FILE)) !== process.pid) return; // another live server's: see start()
    const pid = this.child?.pid ?? readPid(join(this.dir, 'docker.pid'));
    // A stale pid file could name an unrelated process by now: signal only a dockerd serving this folder's socket.
    if (pid === null || !servesSocket(pid, this.socketPath)) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + OUTER_ENGINE_STOP_GRACE_MS;
    while (Date.now() < deadline && alive(pid)) await sleep(ENGINE_READY_POLL_MS);
    if (alive(pid)) {
      try {
        process.kill(-pid, 'SIGKILL'); // the group: containerd and shims would otherwise outlive it
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
    await unmountUnder(this.dir);
  }
}

/** dockerd bind-mounts its remapped data root and leaves the mount behind when it dies during start-up; a
 * folder with a mount in it cannot be removed. Only mounts strictly inside `dir` (ours) are touched. */
async function unmountUnder(dir: string): Promise<void> {
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(prefix))
    .sort((a, b) => b.length - a.length); // deepest first
  for (const point of points) {
    await new Promise<void>((done) => execFile('umount', ['--lazy', point], () => done())); // best effort: a failure shows at rm
  }
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** `…/data/100000.100000` is where a remapping dockerd keeps its data; anything else means it does not remap. */
async function remapBase(docker: Docker): Promise<RemapBase> {
  const info = InfoSchema.parse(await docker.info());
  const match = /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir);
  const userns = (info.SecurityOptions ?? []).some((o) => o.includes('name=userns'));
  if (!match || !userns)
    throw new OuterEngineError(
      `the learner engines' dockerd does not remap user namespaces (root dir ${info.DockerRootDir})`,
    );
  return { uid: Number(match[1]), gid: Number(match[2]) };
}

/**
 * The shared fallback folder is trusted only if it is a real folder of ours that no one else can write: a
 * planted socket or pid file there would otherwise be adopted (and signalled) by a root server.
 */
export function assertOwnedFolder(path: string, uid: number = process.getuid?.() ?? 0): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st || !st.isDirectory() || st.isSymbolicLink() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new OuterEngineError(
      `${path} must be a folder owned by uid ${uid} that no one else can write (it holds the learner engines' dockerd); fix or remove it`,
    );
  }
}

/** Who may stop the outer dockerd (see OuterEngine.start): one pid, in the engine's own folder. */
const OWNER_FILE = 'owner.pid';

function writeOwner(dir: string): void {
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
}

/** `pid` is a dockerd whose command line has `--host unix://socketPath`. */
function servesSocket(pid: number, socketPath: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[0] === DOCKERD_PATH && argv.includes(`unix://${socketPath}`);
  } catch {
    return false;
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}
