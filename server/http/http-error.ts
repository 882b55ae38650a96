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

/** The last handler: API errors as JSON, anything unexpected logged and answered without its details. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof HttpError;
    if (!known) log.error({ err, url: req.originalUrl }, 'request failed');
    const status = known ? err.status : 500;
    const body: ApiError = {
      error: known ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: INTERNAL_MESSAGE },
    };
    if (res.headersSent) {
      res.end();
      return;
    }
    if (req.path.startsWith('/api/')) res.status(status).json(body);
    else res.status(status).type('text/plain').send(`${body.error.message}\n`);
  };
}

export function queryString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new HttpError(400, 'BAD_REQUEST', `the query needs one "${name}"`);
  return value;
}
