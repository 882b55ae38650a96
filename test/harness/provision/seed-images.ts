// Builds the images lessons and tests pull, and pushes them into the registry mirror as
// `REGISTRY/library/NAME:TAG`, so `docker pull NAME:TAG` works offline in the private engine. Local tags are
// removed afterwards, so a pull really goes through the mirror.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Engine } from './dockerd.ts';

/** An import or push of a few MB; generous for a loaded machine. */
const DOCKER_CLI_TIMEOUT_MS = 120_000;

function docker(engine: Engine, args: string[], input?: Buffer): string {
  return execFileSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: engine.host },
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: DOCKER_CLI_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** A rootfs of Debian's static busybox with one link per applet. */
function busyboxRootfs(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync('/usr/bin/busybox', join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync('/usr/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => /^[\w.[\]-]+$/.test(a));
  for (const applet of applets) if (applet !== 'busybox') symlinkSync('busybox', join(dir, 'bin', applet));
}

function importAndPush(engine: Engine, registry: string, rootfs: string, ref: string, changes: string[]): void {
  const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  const mirrorRef = `${registry}/library/${ref}`;
  docker(engine, ['import', ...changes.flatMap((c) => ['--change', c]), '-', mirrorRef], tar);
  docker(engine, ['push', mirrorRef]);
  docker(engine, ['rmi', mirrorRef]);
}

export function seedImages(engine: Engine, registry: string): void {
  const work = mkdtempSync(join(tmpdir(), 'stepwise-seed-'));
  try {
    const busybox = join(work, 'busybox');
    busyboxRootfs(busybox);
    importAndPush(engine, registry, busybox, 'busybox:latest', ['CMD ["sh"]']);

    // The stand-in for redis:3.2.11-alpine: the real image cannot be fetched offline.
    const redis = join(work, 'redis');
    busyboxRootfs(redis);
    writeFileSync(join(redis, 'STAND-IN'), 'stepwise test stand-in for redis:3.2.11-alpine (busybox rootfs)\n');
    mkdirSync(join(redis, 'usr/local/bin'), { recursive: true });
    writeFileSync(join(redis, 'usr/local/bin/redis-server'), '#!/bin/sh\necho "stand-in redis-server: not a real redis" >&2\nexec sleep 3600\n', { mode: 0o755 });
    importAndPush(engine, registry, redis, 'redis:3.2.11-alpine', ['CMD ["redis-server"]', 'EXPOSE 6379']);

    // Prove the mirror path once, so a broken mirror fails here with a clear reason rather than in a lesson.
    docker(engine, ['pull', 'busybox:latest']);
    docker(engine, ['rmi', 'busybox:latest']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
