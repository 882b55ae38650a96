// A private dockerd from Debian's docker.io on its own socket under a temp dir: vfs storage, no bridge and no
// iptables (nothing on the host's network changes), and the local registry as its mirror. A mirror cannot be
// added to a running daemon, so the registry starts first.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { Daemon } from './daemon.ts';

/** dockerd with a fresh data root starts in a few seconds; allow for a slow, busy machine. */
const DOCKERD_START_TIMEOUT_MS = 60_000;

export interface Engine {
  host: string; // unix:///…/docker.sock
  socket: string;
  daemon: Daemon;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function startDockerd(dir: string, registryAddress: string): Promise<Engine> {
  for (const d of ['data', 'exec']) mkdirSync(join(dir, d), { recursive: true });
  const socket = join(dir, 'docker.sock');
  const args = [
    '--host',
    `unix://${socket}`,
    '--data-root',
    join(dir, 'data'),
    '--exec-root',
    join(dir, 'exec'),
    '--pidfile',
    join(dir, 'docker.pid'),
    '--storage-driver',
    'vfs',
    '--bridge',
    'none',
    '--iptables=false',
    '--ip-masq=false',
    '--registry-mirror',
    `http://${registryAddress}`,
    '--insecure-registry',
    registryAddress,
  ];
  const daemon = Daemon.start('dockerd', '/usr/sbin/dockerd', args, join(dir, 'dockerd.log'));
  await daemon.waitReady(() => ping(socket), DOCKERD_START_TIMEOUT_MS);
  return { host: `unix://${socket}`, socket, daemon };
}
