// The server's own way to a learner's engine socket. The socket lives in a folder the learner's engine can write
// (its root owns it), so the learner could swap `docker.sock` for a symlink to the host engine's socket or to
// another learner's. The server therefore never connects by that path: it opens the final name with
// O_PATH|O_NOFOLLOW, checks that the inode is a socket, and connects through /proc/self/fd/N, which names that
// very inode whatever the folder holds later.
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { request } from 'node:http';
import type Docker from 'dockerode';

/** Linux's O_PATH (not exported by node's fs.constants): open the name without reading it. */
const O_PATH = 0o10000000;

export class EngineSocketError extends Error {
  override readonly name = 'EngineSocketError';
  readonly code = 'ENGINE_SOCKET_INVALID';
}

export interface PinnedSocket {
  /** `/proc/self/fd/N`: connect() there reaches the pinned inode. */
  readonly path: string;
  close(): void;
}

/** Pins the socket at `socketPath`; throws ENOENT-coded errors while it does not exist yet. */
export function pinSocket(socketPath: string): PinnedSocket {
  const fd = openSync(socketPath, O_PATH | constants.O_NOFOLLOW /* node adds O_CLOEXEC */);
  try {
    const stat = fstatSync(fd);
    if (!stat.isSocket()) throw new EngineSocketError(`${socketPath} is not a socket (a learner may have replaced it)`);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  let open = true;
  return {
    path: `/proc/self/fd/${fd}`,
    close: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/**
 * A dockerode client over the pinned socket. dockerode is imported here, on the first learner engine, not when
 * the server loads: it costs about 7 MiB of heap (21 MiB RSS) that a server without learner engines never needs.
 */
export async function dockerOverPinned(socket: PinnedSocket): Promise<Docker> {
  const { default: Dockerode } = await import('dockerode');
  return new Dockerode({ socketPath: socket.path });
}

/** True when the engine behind `socket` answers /_ping with 200. */
export function pingPinned(socket: PinnedSocket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket.path, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
