// Debian's docker-registry in its plain mode (no proxy section) on 127.0.0.1: the private engine's offline mirror.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon } from './daemon.ts';
import { freePort } from './ports.ts';

/** The registry starts in well under a second; this allows for a loaded CI machine. */
const REGISTRY_START_TIMEOUT_MS = 30_000;

export interface Registry {
  address: string; // host:port
  daemon: Daemon;
}

export async function startRegistry(dir: string): Promise<Registry> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      '  delete: { enabled: true }',
      'http:',
      `  addr: ${address}`,
      '',
    ].join('\n'),
  );
  const daemon = Daemon.start(
    'docker-registry',
    '/usr/bin/docker-registry',
    ['serve', config],
    join(dir, 'registry.log'),
  );
  await daemon.waitReady(async () => (await fetch(`http://${address}/v2/`)).ok, REGISTRY_START_TIMEOUT_MS);
  return { address, daemon };
}
