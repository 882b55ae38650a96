// GET /api/inspect?session=SID&source=SRC → ExplorerResponse: what the image explorer draws. The source is read
// in that session's environment (inspect-route/read-source.ts) by the core library, with per-path detail.
// Mounted behind the server's cookie check like the rest of /api. Errors are `{ error: { code, message } }`
// with a message that names the source; nothing of a stack trace leaves the server.
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isCoreError, type CoreErrorCode } from '../core/index.ts';
import { EnvReadError } from '../environment/index.ts';
import type { ApiError, ErrorCode, ExplorerResponse } from '../protocol/index.ts';
import type { Session } from '../terminal/index.ts';
import { toExplorerResponse } from './inspect-route/explorer-response.ts';
import { InspectSourceError, inspectInEnvironment } from './inspect-route/read-source.ts';

/** Inspections running at once, server-wide: each reads a whole archive (CPU, disk, an engine export). */
export const MAX_CONCURRENT_INSPECTS = 2;
/** Entries one explorer inspect may hold. Big real images have ~100k; past this the JSON is too big to draw. */
export const EXPLORER_MAX_ENTRIES = 300_000;
/** Longest source accepted (characters): a path up to PATH_MAX, or an image reference. */
const MAX_SOURCE_CHARS = 4096;

export interface InspectRouteDeps {
  /** Live sessions by id (the server's SessionManager). */
  sessions: { get(id: string): Session | undefined };
  log: Logger;
  /** Class mode: the caller's own session owner; another owner's session is treated as not found. */
  ownerOf?: (req: Request) => string | null;
}

const querySchema = z.object({
  session: z.string().min(1).max(200),
  source: z.string().trim().min(1).max(MAX_SOURCE_CHARS),
});

export function registerInspectRoute(app: Express, deps: InspectRouteDeps): void {
  let running = 0;
  app.get('/api/inspect', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const query = querySchema.safeParse(req.query);
    if (!query.success) {
      fail(res, 400, 'BAD_REQUEST', 'GET /api/inspect needs ?session=ID&source=PATH-or-docker://NAME');
      return;
    }
    const found = deps.sessions.get(query.data.session);
    const session = found && (!deps.ownerOf || found.owner === deps.ownerOf(req)) ? found : undefined;
    if (!session) {
      fail(res, 404, 'SESSION_NOT_FOUND', 'this lesson session has ended; reload the page to start a new one');
      return;
    }
    if (running >= MAX_CONCURRENT_INSPECTS) {
      fail(res, 429, 'BUSY', 'other images are being read right now; try again in a moment');
      return;
    }
    const { source } = query.data;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) abort.abort(); // the page went away or asked for another image
    });
    running++;
    try {
      const result = await inspectInEnvironment(session.environment, source, {
        files: true,
        signal: abort.signal,
        limits: { maxEntries: EXPLORER_MAX_ENTRIES },
      });
      const body: ExplorerResponse = toExplorerResponse(result);
      res.json(body);
    } catch (e: unknown) {
      if (abort.signal.aborted) return;
      const known = describeFailure(e);
      if (known) {
        fail(res, known.status, known.code, known.message);
        return;
      }
      deps.log.error({ err: e, source, session: session.id }, 'image explorer: inspect failed');
      fail(res, 500, 'INSPECT_FAILED', `stepwise could not read ${source}; the server log has the details`);
    } finally {
      running--;
    }
  });
}

function fail(res: Response, status: number, code: ErrorCode, message: string): void {
  const body: ApiError = { error: { code, message } };
  res.status(status).json(body);
}

const CORE_STATUS: Partial<Record<CoreErrorCode, number>> = {
  SOURCE_NOT_FOUND: 404,
  ENGINE_ERROR: 502,
  TAR_TOO_MANY_ENTRIES: 413,
};

/** A typed failure → HTTP status, stable code and the message (which already names the source or member). */
/** Core codes pass through: ErrorCode lists each of them, so a new core code fails to compile here until it does. */
function describeFailure(e: unknown): { status: number; code: ErrorCode; message: string } | null {
  if (e instanceof InspectSourceError) {
    const status = e.code === 'SOURCE_NOT_FOUND' ? 404 : e.code === 'NO_ENGINE' ? 409 : 422;
    return { status, code: e.code, message: e.message };
  }
  if (e instanceof EnvReadError)
    return { status: e.code === 'TOO_LARGE' ? 413 : 422, code: e.code, message: e.message };
  if (isCoreError(e)) return { status: CORE_STATUS[e.code] ?? 422, code: e.code, message: e.message };
  return null;
}
