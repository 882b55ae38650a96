// The WebSocket upgrade, authenticated BEFORE the handshake (as the ws README advises): a refused request
// gets a plain HTTP status and its socket is destroyed; it never reaches handleUpgrade.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from 'pino';
import { hostAllowed, originAllowed, type HostPolicy } from './auth.ts';
import { cookieCarriesToken } from './token-cookie.ts';
import type { Principal } from './roles.ts';

export const WS_PATH = '/ws';

export interface UpgradeAuth extends HostPolicy {
  token: string | null; // null: --no-token (loopback only)
  cookieName: string;
  /** Class mode: who the cookies name (instructor or learner), in place of the token check; null refuses. */
  identify?: (cookieHeader: string | undefined) => Principal | null;
}

/**
 * The `upgrade` listener. Invariant: nothing thrown inside it escapes (an exception in an `upgrade` listener
 * is uncaught and ends the process): whatever goes wrong answers 400 and destroys the socket, with a warning.
 */
export function handleUpgrade(
  wss: WebSocketServer,
  auth: UpgradeAuth,
  onConnection: (ws: WebSocket, principal: Principal) => void,
  log: Logger,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy()); // a client that vanishes mid-refusal is not our error
    try {
      upgrade(wss, auth, onConnection, req, socket, head);
    } catch (e: unknown) {
      log.warn(
        { url: req.url, reason: e instanceof Error ? e.message : String(e) },
        'WebSocket upgrade refused: bad request',
      );
      if (!socket.destroyed) refuse(socket, 400, 'Bad Request', 'this WebSocket request could not be read');
    }
  };
}

function upgrade(
  wss: WebSocketServer,
  auth: UpgradeAuth,
  onConnection: (ws: WebSocket, principal: Principal) => void,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const path = (req.url ?? '').split('?')[0];
  if (path !== WS_PATH) return refuse(socket, 404, 'Not Found', `no WebSocket endpoint at ${path}`);
  if (!hostAllowed(req.headers.host, auth)) return refuse(socket, 403, 'Forbidden', 'this Host is not served here');
  if (!originAllowed(req.headers.origin, req.headers.host)) {
    return refuse(socket, 403, 'Forbidden', 'cross-origin WebSocket refused');
  }
  // Only the cookie: a token in the query string is never accepted here (it would end up in logs and history).
  if (auth.identify) {
    const principal = auth.identify(req.headers.cookie);
    if (!principal) return refuse(socket, 401, 'Unauthorized', 'join the class at /join first');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, principal));
    return;
  }
  if (auth.token !== null && !cookieCarriesToken(req.headers.cookie, auth.cookieName, auth.token)) {
    return refuse(socket, 401, 'Unauthorized', 'open the URL that stepwise serve printed first');
  }
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, { role: 'instructor' }));
}

function refuse(socket: Duplex, status: number, statusText: string, message: string): void {
  const body = `${message}\n`;
  socket.write(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}
