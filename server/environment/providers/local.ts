// The local backend (DESIGN.md "Terminals and sessions"): the learner's shell runs on this machine, in a
// per-session working directory, against the server's own Docker engine. For a learner on their own machine:
// it is a full shell as the server's user, with a minimal environment (local-env.ts), not the server's.
//
// Layout: <baseDir>/<sessionId>/ (mode 0700) holds `work/` (the learner's directory and $HOME), `shell.rc`
// and `owner` ("<server pid> <start time>"), which tells list() whether the server that made it is still alive.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmod, cp, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import * as nodePty from 'node-pty';
import type Docker from 'dockerode';
import {
  BackendError,
  type Backend,
  type EnvironmentSpec,
  type ExecOptions,
  type ExecResult,
  type PtyHandle,
  type SessionEnv,
  type TerminalSize,
} from '../backend.ts';
import { SHELL_RC } from '../shell-integration.ts';
import { dockerFromHost, dockerHostFromEnv, dockerHostPlausible } from '../docker-host.ts';
import { stateDir } from '../state-dir.ts';
import { clampSize } from '../../protocol/index.ts';
import { isAlive, killSessionProcesses, readProcess, signal } from './process-table.ts';
import { runDetached } from './run-detached.ts';
import { PtyWriter } from './pty-writer.ts';
import { localShellEnvironment } from './local-env.ts';
import { Emitter } from '../../protocol/index.ts';

/** The environment variable that marks every process of a session, for killing and reaping. */
export const SESSION_MARKER_VAR = 'STEPWISE_SESSION';
/** Session ids become directory names: this keeps them to one safe path segment. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface LocalBackendOptions {
  /** Where session directories go. Default: $XDG_STATE_HOME/stepwise/sessions. */
  baseDir?: string;
  /** The engine exported to the shell as DOCKER_HOST; null for none. Default: DOCKER_HOST or the default socket. */
  dockerHost?: string | null;
  /** The shell binary. Default: bash on PATH. */
  shell?: string;
}

interface LocalEnvState {
  dir: string;
  shellEnv: Record<string, string>;
  shellSids: Set<number>; // each pty's pid is its session id (node-pty calls setsid)
  ptys: Set<PtyHandle>;
}

export class LocalBackend implements Backend {
  readonly name = 'local' as const;
  readonly baseDir: string;
  private readonly dockerHost: string | null;
  private readonly shell: string;
  private readonly live = new Map<string, LocalEnvState>();
  private docker: Docker | null | undefined;

  constructor(opts: LocalBackendOptions = {}) {
    this.baseDir = opts.baseDir ?? join(stateDir(), 'sessions');
    this.dockerHost = opts.dockerHost === undefined ? dockerHostFromEnv() : opts.dockerHost;
    this.shell = opts.shell ?? 'bash';
  }

  async create(spec: EnvironmentSpec): Promise<SessionEnv> {
    const dir = this.sessionDir(spec.sessionId);
    if (this.live.has(spec.sessionId))
      throw new BackendError('CREATE_FAILED', `session ${spec.sessionId} already exists`);
    const workdir = join(dir, 'work');
    try {
      await mkdir(this.baseDir, { recursive: true, mode: 0o700 });
      await mkdir(dir, { mode: 0o700 }); // fails if it exists: never adopt a directory we did not make
      await mkdir(workdir, { mode: 0o700 });
      await writeFile(join(dir, 'shell.rc'), SHELL_RC, { mode: 0o600 });
      const self = readProcess(process.pid);
      await writeFile(join(dir, 'owner'), `${process.pid} ${self?.startTime ?? 0}\n`, { mode: 0o600 });
    } catch (e: unknown) {
      await rm(dir, { recursive: true, force: true });
      throw new BackendError('CREATE_FAILED', `cannot create the session directory ${dir}: ${errorText(e)}`);
    }
    const shellEnv = localShellEnvironment({
      serverEnv: process.env,
      workdir,
      dockerHost: this.dockerHost,
      sessionMarker: [SESSION_MARKER_VAR, spec.sessionId],
      ...(spec.env ? { lessonEnv: spec.env } : {}),
    });
    this.live.set(spec.sessionId, { dir, shellEnv, shellSids: new Set(), ptys: new Set() });
    return { id: spec.sessionId, backend: 'local', workdir, createdAt: Date.now() };
  }

  async openTerminal(env: SessionEnv, size: TerminalSize): Promise<PtyHandle> {
    const state = this.state(env);
    const { cols, rows } = clampSize(size.cols, size.rows);
    let pty: nodePty.IPty;
    try {
      pty = nodePty.spawn(this.shell, ['--rcfile', join(state.dir, 'shell.rc'), '-i'], {
        name: state.shellEnv.TERM ?? 'xterm-256color',
        cols,
        rows,
        cwd: env.workdir,
        env: state.shellEnv,
        encoding: null, // bytes, not strings: output travels as bytes (STYLE.md)
      });
    } catch (e: unknown) {
      throw new BackendError('CREATE_FAILED', `cannot start ${this.shell} in a pty: ${errorText(e)}`);
    }
    state.shellSids.add(pty.pid);
    const handle = new LocalPty(pty, () => killSessionProcesses({ sids: new Set([pty.pid]) }));
    state.ptys.add(handle);
    handle.onExit(() => state.ptys.delete(handle));
    return handle;
  }

  async exec(env: SessionEnv, argv: string[], opts: ExecOptions): Promise<ExecResult> {
    const state = this.state(env);
    const cwd = opts.cwd === undefined ? env.workdir : this.resolvePath(env, opts.cwd);
    return runDetached(argv, {
      cwd,
      env: { ...state.shellEnv, ...opts.env },
      timeoutMs: opts.timeoutMs,
      stdin: opts.stdin,
    });
  }

  async readTar(env: SessionEnv, path: string): Promise<Readable> {
    const state = this.state(env);
    const absolute = this.resolvePath(env, path);
    try {
      await lstat(absolute);
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BackendError('NOT_FOUND', `${path}: no such file or directory in the learner's environment`);
      }
      throw new BackendError('EXEC_FAILED', `cannot read ${path}: ${errorText(e)}`);
    }
    // Members are named as `path` was given (relative to the working directory; absolute ones without the '/').
    const [root, member] = isAbsolute(path) ? ['/', absolute.slice(1) || '.'] : [env.workdir, normalize(path)];
    const child = spawn('tar', ['-C', root, '-cf', '-', '--', member], {
      cwd: env.workdir,
      env: state.shellEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = new PassThrough();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < 4096) stderr += s;
    });
    child.stdout.pipe(out, { end: false });
    child.on('error', (e) => out.destroy(new BackendError('EXEC_FAILED', `cannot run tar for ${path}: ${e.message}`)));
    child.on('close', (code) => {
      // GNU tar: 1 = "some files changed while being read" (a warning); 2 = fatal.
      if (code !== null && code <= 1) out.end();
      else
        out.destroy(new BackendError('EXEC_FAILED', `tar of ${path} failed (${code ?? 'killed'}): ${stderr.trim()}`));
    });
    out.on('close', () => {
      if (child.exitCode === null && child.pid !== undefined) signal(-child.pid, 'SIGKILL'); // reader gave up early
    });
    return out;
  }

  async copyIn(env: SessionEnv, hostPath: string, target: string): Promise<void> {
    this.state(env);
    const dest = this.resolvePath(env, target);
    try {
      await mkdir(dirname(dest), { recursive: true });
      await cp(hostPath, dest, { recursive: true, force: true, preserveTimestamps: true });
    } catch (e: unknown) {
      throw new BackendError('EXEC_FAILED', `cannot copy ${hostPath} to ${target}: ${errorText(e)}`);
    }
  }

  engine(_env: SessionEnv): Docker | null {
    if (this.docker === undefined) {
      this.docker = this.dockerHost && dockerHostPlausible(this.dockerHost) ? dockerFromHost(this.dockerHost) : null;
    }
    return this.docker;
  }

  async destroy(env: SessionEnv): Promise<void> {
    const state = this.live.get(env.id);
    this.live.delete(env.id);
    this.killAll(env.id, state?.shellSids ?? new Set());
    for (const pty of state?.ptys ?? []) pty.kill();
    await removeTree(state?.dir ?? this.sessionDir(env.id));
  }

  /** Session directories whose server is gone (this server's own sessions are never listed). */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.baseDir);
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const orphans: string[] = [];
    for (const name of names) {
      if (!SESSION_ID_PATTERN.test(name) || this.live.has(name)) continue;
      const owner = await readFile(join(this.baseDir, name, 'owner'), 'utf8').catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ''; // half-made: an orphan too
        throw e;
      });
      const [pid, start] = owner.trim().split(' ').map(Number);
      if (pid === undefined || start === undefined || !isAlive(pid, start)) orphans.push(name);
    }
    return orphans;
  }

  /** Reaps an orphan found by list(): kills what carries its marker and removes its directory. */
  async reap(sessionId: string): Promise<void> {
    await this.destroy({
      id: sessionId,
      backend: 'local',
      workdir: join(this.sessionDir(sessionId), 'work'),
      createdAt: 0,
    });
  }

  private killAll(sessionId: string, sids: Set<number>): void {
    killSessionProcesses({ sids, envEntry: `${SESSION_MARKER_VAR}=${sessionId}` });
  }

  private sessionDir(sessionId: string): string {
    if (!SESSION_ID_PATTERN.test(sessionId)) {
      throw new BackendError('CREATE_FAILED', `session id "${sessionId}" must match ${SESSION_ID_PATTERN.source}`);
    }
    return join(this.baseDir, sessionId);
  }

  private state(env: SessionEnv): LocalEnvState {
    const state = this.live.get(env.id);
    if (!state) throw new BackendError('NOT_FOUND', `session ${env.id} has no environment (destroyed or never made)`);
    return state;
  }

  /** Relative paths are inside the working directory; absolute ones are host paths (this is the host). */
  private resolvePath(env: SessionEnv, path: string): string {
    return isAbsolute(path) ? normalize(path) : join(env.workdir, path);
  }
}

class LocalPty implements PtyHandle {
  private readonly _onDrain = new Emitter<void>();
  private killed = false;
  private exited = false;
  /** The fast input path; null when this node-pty does not show its fd and socket (then node-pty writes). */
  private readonly writer: PtyWriter | null;

  constructor(
    private readonly pty: nodePty.IPty,
    private readonly killGroup: () => void,
  ) {
    this.writer = directWriter(pty, () => this._onDrain.fire());
    pty.onExit(() => {
      this.exited = true;
      this.writer?.close();
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  write(data: string | Buffer): boolean {
    if (this.exited) return true; // nowhere to go, and nothing will drain: do not hold the source back
    if (this.writer) return this.writer.write(typeof data === 'string' ? Buffer.from(data) : data);
    this.pty.write(data); // node-pty's own queue is not bounded; only a node-pty without the fast path lands here
    return true;
  }

  readonly onDrain = this._onDrain.event;

  resize(size: TerminalSize): void {
    const { cols, rows } = clampSize(size.cols, size.rows);
    if (!this.exited) this.pty.resize(cols, rows);
  }

  pause(): void {
    this.pty.pause();
  }

  resume(): void {
    this.pty.resume();
  }

  onData(listener: (data: Buffer) => void): { dispose(): void } {
    return this.pty.onData((data: string | Buffer) => listener(typeof data === 'string' ? Buffer.from(data) : data));
  }

  onExit(listener: (e: { exitCode: number; signal?: number }) => void): { dispose(): void } {
    return this.pty.onExit(listener);
  }

  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.killGroup();
    // The master fd closes by itself once the last holder of the slave side is dead (read gets EIO).
    if (!this.exited) signal(this.pty.pid, 'SIGKILL');
  }
}

/**
 * A synchronous writer on node-pty's master fd (see pty-writer.ts). It relies on two things node-pty 1.x has
 * but does not type: `fd` (the master) and `_socket` (the read stream that owns the fd and closes it, on EIO or
 * kill). The writer closes with that stream, so it never writes to an fd number that was closed and reused.
 */
function directWriter(pty: nodePty.IPty, onDrain: () => void): PtyWriter | null {
  const internals = pty as unknown as { fd?: unknown; _socket?: unknown };
  const socket = internals._socket;
  if (typeof internals.fd !== 'number' || !(socket instanceof EventEmitter)) return null;
  const writer = new PtyWriter(internals.fd, onDrain);
  socket.once('close', () => writer.close());
  return writer;
}

/** rm -rf that also gets through directories the learner made unreadable (chmod 000). */
async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
