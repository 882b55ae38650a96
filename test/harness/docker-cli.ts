// The docker CLI against one engine (never the host's: the host is always named), and the busybox root
// filesystem that seeded images and engine tests import.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** An import, build, save or push of a few MB on a loaded 2-core machine with the vfs driver. */
export const DOCKER_CLI_TIMEOUT_MS = 180_000;
/** Output kept from one command: `docker save` to stdout is not used, so listings and ids fit easily. */
const DOCKER_CLI_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Runs `docker ARGS` against `host` (e.g. "unix:///tmp/x/docker.sock") and returns its stdout; throws on failure. */
export function dockerCli(host: string, args: string[], input?: Buffer | string): string {
  return execFileSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' }, // the classic builder: no buildx plugin offline
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: DOCKER_CLI_TIMEOUT_MS,
    maxBuffer: DOCKER_CLI_MAX_OUTPUT_BYTES,
  });
}

/**
 * Writes a root filesystem of Debian's static busybox into `dir`: /bin/busybox, one symlink per applet, and a
 * world-writable /tmp. Returns the applet names linked (busybox itself excluded).
 */
export function writeBusyboxRootfs(dir: string): string[] {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync('/usr/bin/busybox', join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync('/usr/bin/busybox', ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((a) => /^[\w.[\]-]+$/.test(a) && a !== 'busybox');
  for (const applet of applets) symlinkSync('busybox', join(dir, 'bin', applet));
  return applets;
}
