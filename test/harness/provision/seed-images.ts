// Builds the images lessons and tests pull, and pushes them into the registry mirror as
// `REGISTRY/library/NAME:TAG`, so `docker pull NAME:TAG` works offline in the private engine. Local tags are
// removed afterwards, so a pull really goes through the mirror.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dockerCli, writeBusyboxRootfs } from '../docker-cli.ts';
import type { Engine } from './dockerd.ts';

function importAndPush(engine: Engine, registry: string, rootfs: string, ref: string, changes: string[]): void {
  const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  const mirrorRef = `${registry}/library/${ref}`;
  dockerCli(engine.host, ['import', ...changes.flatMap((c) => ['--change', c]), '-', mirrorRef], tar);
  dockerCli(engine.host, ['push', mirrorRef]);
  dockerCli(engine.host, ['rmi', mirrorRef]);
}

export function seedImages(engine: Engine, registry: string): void {
  const work = mkdtempSync(join(tmpdir(), 'stepwise-seed-'));
  try {
    const busybox = join(work, 'busybox');
    writeBusyboxRootfs(busybox);
    importAndPush(engine, registry, busybox, 'busybox:latest', ['CMD ["sh"]']);

    // The stand-in for redis:3.2.11-alpine: the real image cannot be fetched offline.
    const redis = join(work, 'redis');
    writeBusyboxRootfs(redis);
    writeFileSync(join(redis, 'STAND-IN'), 'stepwise test stand-in for redis:3.2.11-alpine (busybox rootfs)\n');
    mkdirSync(join(redis, 'usr/local/bin'), { recursive: true });
    writeFileSync(
      join(redis, 'usr/local/bin/redis-server'),
      '#!/bin/sh\necho "stand-in redis-server: not a real redis" >&2\nexec sleep 3600\n',
      { mode: 0o755 },
    );
    importAndPush(engine, registry, redis, 'redis:3.2.11-alpine', ['CMD ["redis-server"]', 'EXPOSE 6379']);

    // Prove the mirror path once, so a broken mirror fails here with a clear reason rather than in a lesson.
    dockerCli(engine.host, ['pull', 'busybox:latest']);
    dockerCli(engine.host, ['rmi', 'busybox:latest']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
