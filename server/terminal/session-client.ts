// What a session talks to: one connected client. The WebSocket connection in server/http implements it;
// nothing in server/terminal knows about HTTP or WebSockets.
import type { ServerMessageBody } from '../protocol/index.ts';

export interface SessionClient {
  /** A JSON control message. */
  send(message: ServerMessageBody): void;
  /** A binary frame (byte 0 = terminal index, then output bytes; see protocol/frames.ts). */
  sendFrame(frame: Uint8Array): void;
  /** Ends the connection, e.g. when a newer one takes the session over. */
  close(code: number, reason: string): void;
}
