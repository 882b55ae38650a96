// Small helpers for talking to a Docker engine through dockerode: recognising the engine's HTTP status in an
// error, its message, and reading a short response body. (Connecting is server/terminal/docker-host.ts.)
import type { Readable } from 'node:stream';
import { BackendError } from '../backend.ts';

/** True when `err` is dockerode's error for an engine answer with this HTTP status. */
export function isEngineStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: unknown }).statusCode === status;
}

/** The engine's own words from a dockerode error, without dockerode's "(HTTP code N) …" prefix when present. */
export function engineMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const json = (err as { json?: unknown }).json;
    if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
      return (json as { message: string }).message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Longest engine response body read whole (image import progress, small JSON); larger answers are an error. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > MAX_RESPONSE_BYTES) {
      stream.destroy();
      throw new BackendError('EXEC_FAILED', `engine response exceeded ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
