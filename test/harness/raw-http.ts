// HTTP requests written byte for byte over a plain socket, for hostile input that node:http and fetch refuse to
// send (a request line like `GET //[`, a bad header, an upgrade with broken fields).
import { connect } from 'node:net';

/** The longest a raw exchange may take (ms): the machine is shared and slow; nothing asserts on time. */
const RAW_EXCHANGE_TIMEOUT_MS = 60_000;

/**
 * Sends `request` (a whole request, CRLFs included) and resolves with the status of the first response line,
 * or null if the server closed the connection without answering. The socket is destroyed once the status is
 * known, so an accepted upgrade does not stay open.
 */
export function rawStatus(port: number, request: string | Buffer): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    const finish = (status: number | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer within ${RAW_EXCHANGE_TIMEOUT_MS} ms to ${JSON.stringify(request.toString().slice(0, 200))}`,
        ),
      );
    }, RAW_EXCHANGE_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const line = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (line) finish(Number(line[1]));
      else if (head.includes('\r\n')) finish(-1); // not HTTP at all: the caller's assertion names it
    });
    socket.on('error', () => finish(null)); // reset by the server: no answer
    socket.on('close', () => finish(null));
    socket.write(request);
  });
}
