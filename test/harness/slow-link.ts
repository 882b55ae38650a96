// A TCP relay that carries server→client bytes at a fixed rate: a real slow network between a test client
// and the server, so the server's send buffers fill the way they do for a learner on a slow link.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Bytes are released in ticks of this length (ms). */
const TICK_MS = 10;

export interface SlowLink {
  port: number;
  close(): Promise<void>;
}

export async function startSlowLink(targetPort: number, bytesPerSecond: number): Promise<SlowLink> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream); // client → server at full speed (keystrokes, acks)
    const queue: Buffer[] = [];
    const perTick = Math.max(1, Math.floor((bytesPerSecond * TICK_MS) / 1000));
    const ticker = setInterval(() => {
      let budget = perTick;
      while (budget > 0 && queue.length > 0) {
        const head = queue[0]!;
        const piece = head.subarray(0, budget);
        if (piece.length === head.length) queue.shift();
        else queue[0] = head.subarray(budget);
        budget -= piece.length;
        client.write(piece);
      }
      if (queue.length === 0 && upstream.isPaused()) upstream.resume();
    }, TICK_MS);
    upstream.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      upstream.pause(); // read no more until the queue drains: TCP backpressure reaches the server
    });
    const end = () => {
      clearInterval(ticker);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
