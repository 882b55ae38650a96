// Finding and killing the processes that belong to a local session, through Linux's /proc.
//
// A session's processes are (a) everything in the sessions of its shells (node-pty starts each shell with
// setsid; bash job control puts each job in its own process group, but all stay in the shell's session), and
// (b) anything carrying its marker variable in the environment it was started with, which catches programs
// that called setsid() themselves (daemons, `setsid cmd`). A process that clears its environment AND leaves
// the session escapes both; that takes intent, and it runs as the learner anyway.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  state: string; // R, S, D, Z (zombie: dead, waiting for its parent to reap it), ...
  ppid: number;
  pgid: number;
  sid: number;
  startTime: number; // clock ticks since boot: with pid, identifies a process across pid reuse
}

/** Kill passes before giving up: each pass catches children forked while the previous one ran. */
const MAX_KILL_PASSES = 10;

export function readProcess(pid: number): ProcessInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (e: unknown) {
    if (isGone(e)) return null;
    throw e;
  }
  // "pid (comm) state ppid pgrp session ..." where comm may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    startTime: Number(fields[19]),
  };
}

export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name));
    if (info) out.push(info);
  }
  return out;
}

/** Whether `pid` was started with `entry` (e.g. "STEPWISE_SESSION=abc") in its environment. */
export function processEnvironmentHas(pid: number, entry: string): boolean {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch (e: unknown) {
    if (isGone(e) || (e as NodeJS.ErrnoException).code === 'EACCES') return false; // another user's: not ours
    throw e;
  }
  const needle = Buffer.from(`${entry}\0`);
  return environ.subarray(0, needle.length).equals(needle) || environ.includes(Buffer.from(`\0${entry}\0`));
}

export interface SessionSelector {
  sids: ReadonlySet<number>;
  /** "NAME=value" that the session's processes carry in their environment. */
  envEntry?: string;
}

export function findSessionProcesses(selector: SessionSelector): ProcessInfo[] {
  const self = process.pid;
  return listProcesses().filter(
    (p) =>
      p.pid !== self &&
      p.state !== 'Z' &&
      (selector.sids.has(p.sid) ||
        (selector.envEntry !== undefined && processEnvironmentHas(p.pid, selector.envEntry))),
  );
}

/** SIGKILLs every process of the session until none is left. Returns how many were killed. */
export function killSessionProcesses(selector: SessionSelector): number {
  let killed = 0;
  for (let pass = 0; pass < MAX_KILL_PASSES; pass++) {
    const victims = findSessionProcesses(selector);
    if (victims.length === 0) return killed;
    for (const p of victims) {
      if (signal(p.pid, 'SIGKILL')) killed++;
    }
  }
  return killed;
}

/** Sends a signal; false if the process (or group, for a negative pid) is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

export function isAlive(pid: number, startTime: number): boolean {
  const info = readProcess(pid);
  return info !== null && info.startTime === startTime;
}

function isGone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}
