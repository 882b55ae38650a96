// Errors of the HTTP API: a status, a stable code and a message naming the thing (protocol/api.ts ApiError).
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { CodedError, INTERNAL_MESSAGE, type ApiError, type ErrorCode } from '../protocol/index.ts';

export class HttpError extends CodedError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * The last handler: API errors as JSON. A client's mistake is a 4xx with at most a warning: our HttpErrors, and
 * the errors express and its middleware raise with a 4xx `status` (a static file that is not there, a path that
 * is not valid percent-encoding, a body that is not JSON). Anything else is ours: logged at error level and
 * answered 500 without its details.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof HttpError ? err : clientError(err);
    if (!known) log.error({ err, url: req.originalUrl }, 'request failed');
    else if (known.status !== 404)
      log.warn({ url: req.originalUrl, status: known.status, code: known.code }, known.message);
    const status = known ? known.status : 500;
    const body: ApiError = {
      error: known ? { code: known.code, message: known.message } : { code: 'INTERNAL', message: INTERNAL_MESSAGE },
    };
    if (res.headersSent) {
      res.end();
      return;
    }
    if (req.path.startsWith('/api/')) res.status(status).json(body);
    else res.status(status).type('text/plain').send(`${body.error.message}\n`);
  };
}

/** Codes for the 4xx errors that express's own middleware (send, serve-static, body-parser) raise. */
const CLIENT_ERROR_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** An error from express's middleware that carries a 4xx status (http-errors' `status`/`statusCode`), as an HttpError. */
function clientError(err: unknown): HttpError | null {
  if (typeof err !== 'object' || err === null) return null;
  const raw =
    (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 400 || raw > 499) return null;
  const code = CLIENT_ERROR_CODES[raw] ?? 'BAD_REQUEST';
  // http-errors' messages are generic ("Not Found", "Failed to decode param ..."): safe to show, no paths.
  return new HttpError(
    raw,
    code,
    raw === 404 ? 'not found' : code === 'BAD_REQUEST' ? 'bad request' : code.toLowerCase().replace(/_/g, ' '),
  );
}

export function queryString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '')
    throw new HttpError(400, 'BAD_REQUEST', `the query needs one "${name}"`);
  return value;
}
