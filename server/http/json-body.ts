// A JSON request body, parsed within a size limit and validated with zod. Only `Content-Type: application/json`
// is read: a cross-site form cannot send that without a CORS preflight, which this server never grants, so a
// state-changing POST is never a blind cross-site request (the SameSite=Strict cookie is the other lock).
import express, { type Request, type Response, type NextFunction, type RequestHandler } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../protocol/index.ts';
import { HttpError } from './http-error.ts';

/** Largest JSON body the class routes read (bytes): a name, a code or a short message. */
export const MAX_JSON_BODY_BYTES = 4 * 1024;

const parse = express.json({ limit: MAX_JSON_BODY_BYTES, strict: true });

export const jsonBody: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (!req.is('application/json')) {
    next(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON (Content-Type: application/json)'));
    return;
  }
  parse(req, res, (err?: unknown) => {
    if (err === undefined) next();
    else if (typeof err === 'object' && err !== null && 'status' in err && err.status === 413) {
      next(new HttpError(413, 'BODY_TOO_LARGE', `the body is over ${MAX_JSON_BODY_BYTES} bytes`));
    } else next(new HttpError(400, 'BAD_JSON', 'the body is not valid JSON'));
  });
};

/** The parsed body, checked against `schema`; a mismatch is a 400 that names the field. */
export function bodyOf<T>(req: Request, schema: z.ZodType<T>, code: ErrorCode = 'BAD_REQUEST'): T {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HttpError(
    400,
    code,
    `bad request body: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
  );
}
