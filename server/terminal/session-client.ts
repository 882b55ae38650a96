// What a session talks to: one connected client. The WebSocket connection in server/http implements it;
// nothing in server/terminal knows about HTTP or WebSockets.
import type { ServerMessageBody } from '../protocol/index.ts';

export interface SessionClient {
  /** A JSON control message. `written`, if given, is called once the connection's socket has taken it (never if
   *  it did not), as for sendFrame. */
  send(message: ServerMessageBody, written?: () => void): void;
  /**
   * A binary frame (byte 0 = terminal index, then output bytes; see protocol/frames.ts). `written` is called once
   * the connection's socket has taken the frame (flow control counts only such bytes as sent); never if it did not.
   */
  sendFrame(frame: Uint8Array, written?: () => void): void;
  /** Ends the connection, e.g. when a newer one takes the session over. */
  close(code: number, reason: string): void;
}
