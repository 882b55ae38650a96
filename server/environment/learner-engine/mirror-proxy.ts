// The registry mirror, as a learner's engine sees it: an HTTP server on 127.0.0.1:PORT in the engine's own
// network namespace (see netns-listener.ts) that forwards registry reads to one of the host engine's mirrors.
// Only GET and HEAD under /v2/ pass, so a learner can pull through the mirror but never push into it (which
// would poison other learners' pulls), and can reach nothing else on the host's network.
import {
  request as httpRequest,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Server as NetServer } from 'node:net';
import { MIRROR_IDLE_TIMEOUT_MS, MIRROR_MAX_CONNECTIONS, MIRROR_MAX_HEADER_BYTES } from './limits.ts';

const ALLOWED_METHODS = new Set(['GET', 'HEAD']);
/** Request headers passed upstream; everything else (Host, Connection, proxies' headers) is dropped. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'authorization',
  'range',
  'user-agent',
  'docker-distribution-api-version',
];
/** Response headers hop-by-hop per RFC 9110 §7.6.1, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

export interface MirrorProxy {
  readonly upstream: URL;
  close(): void;
}

/** Serves on `listener` (already listening) and forwards to `upstream` (http: or https:, a registry root). */
export function serveMirrorProxy(listener: NetServer, upstream: URL): MirrorProxy {
  const server: Server = createServer({ maxHeaderSize: MIRROR_MAX_HEADER_BYTES }, (req, res) =>
    forward(upstream, req, res),
  );
  server.maxConnections = MIRROR_MAX_CONNECTIONS;
  server.timeout = MIRROR_IDLE_TIMEOUT_MS;
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen(listener);
  let closed = false;
  return {
    upstream,
    close: () => {
      if (closed) return;
      closed = true;
      server.close();
      server.closeAllConnections();
      listener.close();
    },
  };
}

function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  if (!ALLOWED_METHODS.has(req.method ?? '')) {
    res.writeHead(405, { allow: 'GET, HEAD' }).end('the mirror is read-only\n');
    return;
  }
  if (!path.startsWith('/v2/') && path !== '/v2') {
    res.writeHead(404).end('only the registry API (/v2/) is served\n');
    return;
  }
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const base = upstream.pathname.replace(/\/+$/, '');
  const target = new URL(upstream.origin + base + path);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const out = send(target, { method: req.method, headers }, (up) => {
    const copied: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(up.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name)) copied[name] = value;
    res.writeHead(up.statusCode ?? 502, copied);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  out.setTimeout(MIRROR_IDLE_TIMEOUT_MS, () => out.destroy(new Error('mirror timed out')));
  out.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502).end(`mirror unreachable: ${err.message}\n`);
    else res.destroy();
  });
  res.on('close', () => out.destroy());
  out.end();
}
