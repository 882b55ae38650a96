// Opens a TCP listening socket inside another process's network namespace and hands it to this process.
// A socket stays in the namespace it was made in, so a short helper (`nsenter --net=… node`) creates it there and
// sends the handle back over node's IPC channel (SCM_RIGHTS); this process then accepts connections made inside
// that namespace while its own outgoing connections stay in the host's. Needs root (nsenter joins the namespace).
import { spawn } from 'node:child_process';
import type { Server } from 'node:net';
import { NETNS_HELPER_TIMEOUT_MS } from './limits.ts';

export const NSENTER_PATH = '/usr/bin/nsenter';

/** The helper: listen on 127.0.0.1:PORT (its namespace's own loopback), send the server handle, exit. */
const HELPER_SOURCE = `
const net = require('node:net');
const port = Number(process.argv[1]);
const server = net.createServer();
server.on('error', (e) => { process.send({ error: e.message }, () => process.exit(1)); });
server.listen({ host: '127.0.0.1', port }, () => { process.send('listening', server, () => process.exit(0)); });
`;

export class NetnsListenError extends Error {
  override readonly name = 'NetnsListenError';
  readonly code = 'NETNS_LISTEN_FAILED';
}

/** A listening server on 127.0.0.1:`port` in the network namespace of `pid`. The caller owns it (close()). */
export function listenInNetns(pid: number, port: number): Promise<Server> {
  if (!Number.isInteger(pid) || pid <= 0) return Promise.reject(new NetnsListenError(`bad process id ${pid}`));
  return new Promise<Server>((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const child = spawn(
      NSENTER_PATH,
      [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', HELPER_SOURCE, String(port)],
      {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: {}, // the helper needs nothing of the server's environment
      },
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(
        new NetnsListenError(
          `the helper in the network namespace of ${pid} did not answer in ${NETNS_HELPER_TIMEOUT_MS} ms`,
        ),
      );
    }, NETNS_HELPER_TIMEOUT_MS);
    const finish = (result: Server | Error) => {
      if (settled) {
        if (!(result instanceof Error)) result.close(); // a handle that arrived too late is not leaked
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d; // only for the error message
    });
    child.on('message', (message: unknown, handle: unknown) => {
      if (
        message === 'listening' &&
        handle !== undefined &&
        handle !== null &&
        typeof handle === 'object' &&
        'listen' in handle
      ) {
        finish(handle as Server);
        return;
      }
      const why =
        typeof message === 'object' && message !== null && 'error' in message ? String(message.error) : 'no handle';
      finish(new NetnsListenError(`cannot listen on 127.0.0.1:${port} in the network namespace of ${pid}: ${why}`));
    });
    child.on('error', (err) => finish(new NetnsListenError(`cannot run ${NSENTER_PATH}: ${err.message}`)));
    child.on('exit', (code) => {
      if (!settled)
        finish(
          new NetnsListenError(`nsenter into the network namespace of ${pid} failed (exit ${code}): ${stderr.trim()}`),
        );
    });
  });
}
