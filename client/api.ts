// The HTTP API (server/protocol/api.ts), fetched with the session cookie and validated on arrival.
// Failures become an ApiFailure with a stable code and a sentence a learner can read.
import {
  apiErrorSchema,
  explorerResponseSchema,
  lessonSummaryListSchema,
  lessonViewSchema,
  type ExplorerResponse,
  type LessonSummary,
  type LessonView,
} from '../server/protocol/index.ts';

/** The slice of a zod schema used here (the client imports zod only through server/protocol). */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, schema: Schema<T>, what: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal: signal ?? null,
    });
  } catch (e: unknown) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiFailure('NETWORK', `Could not reach the stepwise server to load ${what}.`, 0);
  }
  const body: unknown = await res.json().catch((e: unknown) => {
    if (e instanceof SyntaxError) return null; // a proxy's HTML error page, say: reported below by status
    throw e;
  });
  if (!res.ok) {
    const err = apiErrorSchema.safeParse(body);
    if (err.success) throw new ApiFailure(err.data.error.code, err.data.error.message, res.status);
    const reason =
      res.status === 401 ? 'open the link the server printed (it carries the access token)' : `HTTP ${res.status}`;
    throw new ApiFailure(`HTTP_${res.status}`, `Could not load ${what}: ${reason}.`, res.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ApiFailure(
      'BAD_RESPONSE',
      `The server sent ${what} in a shape this page does not understand.`,
      res.status,
    );
  return parsed.data;
}

export function fetchLessons(): Promise<LessonSummary[]> {
  return getJson('/api/lessons', lessonSummaryListSchema, 'the lesson list');
}

export function fetchLesson(id: string): Promise<LessonView> {
  return getJson(`/api/lesson?id=${encodeURIComponent(id)}`, lessonViewSchema, 'the lesson');
}

export function fetchInspect(sessionId: string, source: string, signal?: AbortSignal): Promise<ExplorerResponse> {
  const q = `session=${encodeURIComponent(sessionId)}&source=${encodeURIComponent(source)}`;
  return getJson(`/api/inspect?${q}`, explorerResponseSchema, `the image ${source}`, signal);
}
