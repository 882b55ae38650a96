// Collects the host files that make up the stepwise/shell image: a few commands, their shared libraries (from
// `ldd`), the dynamic loader, and every symlink on the way to each of them, so the image's layout mirrors the
// host's (merged /usr or not). Only regular files, directories and symlinks are collected.
import { execFile } from 'node:child_process';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { posix as path } from 'node:path';
import { promisify } from 'node:util';
import { BackendError } from '../backend.ts';

const execFileAsync = promisify(execFile);

/** Commands the image must have; a host without one of these cannot build it. */
export const REQUIRED_COMMANDS = ['bash', 'sh', 'tar', 'gzip', 'ls', 'cat', 'grep', 'sed', 'env', 'sleep'];

/** The rest of the coreutils and friends a lesson is likely to type. Skipped when the host lacks them, so the
 * image stays a few MB instead of carrying all ~100 coreutils (about 7 MB on Debian). */
export const OPTIONAL_COMMANDS = [
  // coreutils
  '[',
  'base64',
  'basename',
  'chmod',
  'cksum',
  'comm',
  'cp',
  'cut',
  'date',
  'dd',
  'df',
  'dirname',
  'du',
  'echo',
  'expr',
  'false',
  'head',
  'id',
  'join',
  'ln',
  'md5sum',
  'mkdir',
  'mktemp',
  'mv',
  'nl',
  'nproc',
  'od',
  'paste',
  'printf',
  'pwd',
  'readlink',
  'realpath',
  'rm',
  'rmdir',
  'seq',
  'sha1sum',
  'sha256sum',
  'sort',
  'split',
  'stat',
  'stty',
  'tac',
  'tail',
  'tee',
  'test',
  'timeout',
  'touch',
  'tr',
  'true',
  'truncate',
  'tty',
  'uname',
  'uniq',
  'wc',
  'whoami',
  'yes',
  // gzip's wrappers (shell scripts), findutils, diffutils, other compressors tar can call
  'gunzip',
  'zcat',
  'find',
  'xargs',
  'diff',
  'cmp',
  'xz',
  'bzip2',
  // the static BusyBox a lesson builds a rootfs from (the container lesson's busybox-static script copies it)
  'busybox',
];

/** Where commands are looked up: distro directories only, so a /usr/local override never leaks into the image. */
const COMMAND_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** Paths scripts and learners expect by name, whatever the host's PATH order. */
const FIXED_PATHS = ['/bin/sh', '/bin/bash'];

/** Terminal descriptions readline needs to edit lines properly; the first found directory wins per name. */
const TERMINFO_DIRS = ['/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo'];
const TERMINFO_NAMES = ['xterm-256color', 'xterm', 'vt100', 'dumb', 'linux', 'screen'];

/** glibc's C.UTF-8 locale (about 400 KB), so bash and readline handle UTF-8 input. Optional. */
const LOCALE_DIRS = ['/usr/lib/locale/C.utf8', '/usr/lib/locale/C.UTF-8'];

/** Linux resolves at most 40 symlinks in one lookup; a longer chain here is a loop. */
const MAX_SYMLINK_HOPS = 40;

/** ldd's output for the whole command list is a few KB; this only guards against a runaway. */
const LDD_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** A shebang line longer than this is not one we follow (the kernel's own limit is 256 bytes). */
const MAX_SHEBANG_BYTES = 256;

export type HostEntry =
  | { type: 'dir'; path: string }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'file'; path: string; mode: number; hostPath: string };

/** Absolute image paths (no trailing slash) → entries. Parents are always present before their children. */
export type HostEntries = Map<string, HostEntry>;

export interface HostFiles {
  entries: HostEntries;
  hasLocale: boolean;
}

export async function collectHostFiles(): Promise<HostFiles> {
  const entries: HostEntries = new Map();
  const binaries = new Set<string>();
  for (const name of REQUIRED_COMMANDS) {
    const found = await findCommand(name);
    if (!found) {
      throw new BackendError(
        'IMAGE_BUILD_FAILED',
        `cannot build stepwise/shell: the host has no "${name}" in ${COMMAND_DIRS.join(', ')}`,
      );
    }
    binaries.add(found);
  }
  for (const name of OPTIONAL_COMMANDS) {
    const found = await findCommand(name);
    if (found) binaries.add(found);
  }
  for (const fixed of FIXED_PATHS) if (await exists(fixed)) binaries.add(fixed);

  // ldd lists a binary's libraries transitively, so libraries themselves are never passed to it; only the
  // interpreters of `#!` scripts can add another round.
  let round = [...binaries];
  const seen = new Set<string>();
  while (round.length > 0) {
    const elves: string[] = [];
    const next: string[] = [];
    for (const wanted of round) {
      if (seen.has(wanted)) continue;
      seen.add(wanted);
      const real = await addPath(entries, wanted);
      const head = await readHead(real);
      if (head.startsWith('#!')) {
        const interpreter = head.slice(2).split('\n')[0]?.trim().split(/\s+/)[0];
        if (interpreter) next.push(interpreter);
      } else if (head.startsWith('\x7fELF')) {
        elves.push(real);
      }
    }
    for (const lib of await librariesOf(elves)) await addPath(entries, lib);
    round = next;
  }
  await addNssFiles(entries);
  for (const name of TERMINFO_NAMES) {
    const found = await findTerminfo(name);
    if (found) await addPath(entries, found);
  }
  let hasLocale = false;
  for (const dir of LOCALE_DIRS) {
    if (await exists(dir)) {
      await addTree(entries, dir);
      hasLocale = true;
      break;
    }
  }
  return { entries, hasLocale };
}

async function findCommand(name: string): Promise<string | undefined> {
  for (const dir of COMMAND_DIRS) {
    const candidate = path.join(dir, name);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

async function findTerminfo(name: string): Promise<string | undefined> {
  const first = name.charAt(0);
  const hex = first.charCodeAt(0).toString(16);
  for (const dir of TERMINFO_DIRS) {
    for (const sub of [first, hex]) {
      const candidate = path.join(dir, sub, name);
      if (await exists(candidate)) return candidate;
    }
  }
  return undefined;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/**
 * Adds `hostPath` and every directory and symlink on the way to it; returns the real path of the final file.
 * A symlink is kept as a symlink (its target written as on the host) and the walk continues at its target.
 */
async function addPath(entries: HostEntries, hostPath: string): Promise<string> {
  let pending = hostPath.split('/').filter(Boolean);
  let current = '/';
  for (let hops = 0; pending.length > 0;) {
    const next = path.join(current, pending[0] as string);
    const st = await lstat(next);
    if (st.isSymbolicLink()) {
      if (++hops > MAX_SYMLINK_HOPS) {
        throw new BackendError('IMAGE_BUILD_FAILED', `cannot build stepwise/shell: symlink loop at ${next}`);
      }
      const target = await readlink(next);
      entries.set(next, { type: 'symlink', path: next, target });
      const resolved = path.resolve(current, target);
      pending = [...resolved.split('/').filter(Boolean), ...pending.slice(1)];
      current = '/';
      continue;
    }
    pending = pending.slice(1);
    if (st.isDirectory()) {
      if (!entries.has(next)) entries.set(next, { type: 'dir', path: next });
    } else if (st.isFile() && pending.length === 0) {
      entries.set(next, { type: 'file', path: next, mode: st.mode & 0o755, hostPath: next });
    } else {
      throw new BackendError(
        'IMAGE_BUILD_FAILED',
        `cannot build stepwise/shell: ${next} is neither a file, a directory nor a symlink`,
      );
    }
    current = next;
  }
  return current;
}

/** Adds a directory and everything under it (files, dirs, symlinks; nothing else). */
async function addTree(entries: HostEntries, dir: string): Promise<void> {
  await addPath(entries, dir);
  for (const dirent of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, dirent.name);
    if (dirent.isDirectory()) await addTree(entries, child);
    else if (dirent.isFile() || dirent.isSymbolicLink()) await addPath(entries, child);
  }
}

/** Shared libraries and the loader of every ELF file in `files`, from one `ldd` run. */
async function librariesOf(files: string[]): Promise<string[]> {
  if (files.length === 0) return [];
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ldd', files, { maxBuffer: LDD_MAX_OUTPUT_BYTES }));
  } catch (err) {
    // ldd exits 1 when any file is static ("not a dynamic executable") but still reports the others.
    const partial = (err as { stdout?: unknown }).stdout;
    if (typeof partial !== 'string' || partial === '') {
      throw new BackendError(
        'IMAGE_BUILD_FAILED',
        `cannot build stepwise/shell: ldd failed: ${(err as Error).message}`,
      );
    }
    stdout = partial;
  }
  const libs: string[] = [];
  for (const [file, section] of splitLddSections(stdout, files)) libs.push(...parseLdd(section, file));
  return libs;
}

/** With several files, ldd prints `FILE:` before each file's lines (with one file, no header). */
export function splitLddSections(stdout: string, files: string[]): Map<string, string> {
  if (files.length === 1) return new Map([[files[0] as string, stdout]]);
  const headers = new Set(files.map((f) => `${f}:`));
  const sections = new Map<string, string>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    if (headers.has(line)) {
      current = line.slice(0, -1);
      sections.set(current, '');
    } else if (current !== undefined) {
      sections.set(current, `${sections.get(current) ?? ''}${line}\n`);
    }
  }
  for (const f of files) {
    if (!sections.has(f))
      throw new BackendError('IMAGE_BUILD_FAILED', `cannot build stepwise/shell: ldd said nothing about ${f}`);
  }
  return sections;
}

/** `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and `/lib64/ld-linux-x86-64.so.2 (0x…)`; vdso skipped. */
export function parseLdd(stdout: string, forPath: string): string[] {
  const libs: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    if (line === 'statically linked' || line === 'not a dynamic executable') continue;
    const arrow = /^\S+ => (\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (arrow) {
      libs.push(arrow[1] as string);
      continue;
    }
    if (/=> not found$/.test(line)) {
      throw new BackendError(
        'IMAGE_BUILD_FAILED',
        `cannot build stepwise/shell: ${forPath} needs a missing library (${line})`,
      );
    }
    const loader = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (loader) libs.push(loader[1] as string);
  }
  return libs;
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_SHEBANG_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}

/** glibc < 2.34 dlopens libnss_files for getpwnam (`~`, `id`, `whoami`); ldd cannot see that. */
async function addNssFiles(entries: HostEntries): Promise<void> {
  const libcDirs = new Set<string>();
  for (const entry of entries.values()) {
    if (entry.type === 'file' && /\/libc\.so\.\d+$/.test(entry.path)) libcDirs.add(path.dirname(entry.path));
  }
  for (const dir of libcDirs) {
    const candidate = path.join(dir, 'libnss_files.so.2');
    if (await exists(candidate)) await addPath(entries, candidate);
  }
}
