// What a provider's driver implements (DESIGN.md "Environments"): one method per Environment operation, each
// given the environment's record. Only environment.ts and provider.ts call it; everything above holds an
// Environment handle instead.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { CodedError, type Disposable } from '../protocol/index.ts';

export interface EnvironmentSpec {
  sessionId: string; // unique per session; used for directory and container names and reaping labels
  lessonId: string;
  lessonDir: string; // absolute; assets and scripts are copied from here
  image?: string; // docker backend: the shell image (default stepwise/shell)
  requires: string[]; // lesson requirements, e.g. ['docker']; a backend that cannot meet them throws BackendError
  env?: Record<string, string>; // extra environment for the shell and exec
  /** The first shell must start after provisioning (files copied in, setup run), so a shell started ahead of
   *  time (a warm container's) is not used. */
  freshShell?: boolean;
}

/** A live environment for one learner. `workdir` is the learner's working directory inside it. */
export interface SessionEnv {
  readonly id: string;
  readonly backend: BackendName;
  readonly workdir: string;
  readonly createdAt: number; // ms since epoch
}

import type { BackendName } from './names.ts';

export type { BackendName };

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** A pseudo-terminal running the learner's shell with stepwise's shell integration. */
export interface PtyHandle {
  readonly pid: number;
  /**
   * Queues input for the shell. False once the input waiting for the pty reaches the backend's bound: stop reading
   * the source until onDrain (or onExit). Nothing is dropped; a write past the bound is still taken.
   */
  write(data: string | Buffer): boolean;
  /** The input queue that filled up (write returned false) has room again. */
  onDrain(listener: () => void): Disposable;
  resize(size: TerminalSize): void;
  pause(): void;
  resume(): void;
  onData(listener: (data: Buffer) => void): Disposable;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): Disposable;
  /** Kill the whole process group (local) or exec session (docker). Idempotent. */
  kill(): void;
}

export interface ExecResult {
  exitCode: number; // 124 on timeout, like coreutils `timeout`
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface ExecOptions {
  timeoutMs: number;
  cwd?: string; // default: env.workdir
  env?: Record<string, string>;
  stdin?: string;
}

/** What a container made ahead of learners is for: lessons of one kind can share it (Backend.keepWarm). */
export interface WarmKind {
  image?: string; // default: the backend's own image for lessons that name none
  network: boolean; // the lesson requires network
  docker: boolean; // the lesson requires a Docker engine: each waiting container comes with the learner's own
}

/** Containers kept ready for learners: how many wait now, and how to stop keeping them. */
export interface WarmContainers {
  ready(): number;
  /** Resolves once every pool is full, or has failed and waits to retry. */
  settled(): Promise<void>;
  /** Stops making them and removes those still waiting. */
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  create(spec: EnvironmentSpec): Promise<SessionEnv>;
  openTerminal(env: SessionEnv, size: TerminalSize): Promise<PtyHandle>;
  /** Runs argv without a pty. A timeout kills the command's whole process group. */
  exec(env: SessionEnv, argv: string[], opts: ExecOptions): Promise<ExecResult>;
  /** A tar stream of `path` (relative to workdir, or absolute inside the environment). Rejects if it is missing. */
  readTar(env: SessionEnv, path: string): Promise<Readable>;
  /** Copies a host file or folder into the environment at `target` (relative to workdir). */
  copyIn(env: SessionEnv, hostPath: string, target: string): Promise<void>;
  /** The Docker engine the learner's shell uses, or null where the environment has none. */
  engine(env: SessionEnv): Docker | null;
  /** Ends the whole unit: process group or container, and its working directory. Idempotent. */
  destroy(env: SessionEnv): Promise<void>;
  /** Environments left by an earlier server run, for reaping. */
  list(): Promise<string[]>;
  /** Keeps `size` environments of each kind made ahead of learners (a kind named twice gets one pool); backends
   *  where making one is quick have none. */
  keepWarm?(kinds: readonly WarmKind[], size: number, onError: (err: unknown) => void): WarmContainers;
}

export class BackendError extends CodedError<
  'REQUIRES_UNMET' | 'CREATE_FAILED' | 'NOT_FOUND' | 'EXEC_FAILED' | 'IMAGE_BUILD_FAILED'
> {}
