// Who is asking (DESIGN.md "Classes", Roles). The token holder is the instructor (in a class) or the server's
// one user; a class learner is known by their own cookie, `<learner id>.<secret>`. A learner may use the lessons,
// their own sessions and the API around them; `/instructor` and `/api/class*` answer 403 to them. In class
// mode `/join`, `/rejoin`, `POST /api/join` and the app's static files are open to anyone (they hold no secret).
import type { Request, Response, NextFunction } from 'express';
import { cookieCarriesToken, cookieValues } from './token-cookie.ts';
import { HttpError } from './http-error.ts';

export type Principal = { role: 'instructor' } | { role: 'learner'; learnerId: string };

/** Cookies ignore ports, so each server's learner cookie carries its port in its name (like the token's). */
export function learnerCookieName(port: number): string {
  return `stepwise-learner-${port}`;
}

export interface RoleAuth {
  token: string | null;
  cookieName: string;
  learnerCookieName: string;
  /** The learner this id and secret belong to, if any (and not removed). */
  learner(learnerId: string, secret: string): boolean;
}

/** A learner cookie's value: the id and the secret, neither of which holds a dot (both are base64url). */
export function learnerCookieValue(learnerId: string, secret: string): string {
  return `${learnerId}.${secret}`;
}

/** Who the cookies name. Like the token's, a learner cookie may come more than once (one planted by a page on
 *  another local port must not shadow the real one): any that authenticates counts. Never throws. */
export function identify(cookieHeader: string | undefined, auth: RoleAuth): Principal | null {
  if (auth.token === null || cookieCarriesToken(cookieHeader, auth.cookieName, auth.token))
    return { role: 'instructor' };
  for (const value of cookieValues(cookieHeader, auth.learnerCookieName)) {
    const dot = value.indexOf('.');
    if (dot <= 0) continue;
    const learnerId = value.slice(0, dot);
    if (auth.learner(learnerId, value.slice(dot + 1))) return { role: 'learner', learnerId };
  }
  return null;
}

const principals = new WeakMap<Request, Principal>();

/** The principal `requireRole` found for this request. */
export function principalOf(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw new HttpError(401, 'UNAUTHORIZED', 'this request was not authenticated');
  return p;
}

/** Paths anyone may reach in a class: joining, rejoining and the app's own files. */
function isPublic(req: Request): boolean {
  return req.path === '/join' || req.path === '/rejoin' || req.path === '/api/join' || req.path.startsWith('/static/');
}

/** Express matches routes case-insensitively and ignores a trailing slash, so this compares the same way. */
function isInstructorOnly(req: Request): boolean {
  const path = req.path.toLowerCase();
  return path.startsWith('/instructor') || path.startsWith('/api/class');
}

/** For the instructor's own routes, behind requireRole (a second lock on the same door). */
export function requireInstructor(req: Request, _res: Response, next: NextFunction): void {
  next(
    principalOf(req).role === 'instructor'
      ? undefined
      : new HttpError(403, 'INSTRUCTOR_ONLY', "only the class's instructor may open this"),
  );
}

/** Class mode's gate, in place of the single-user cookie check: identify, then allow by role. */
export function requireRole(auth: RoleAuth) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (isPublic(req)) {
      next();
      return;
    }
    const principal = identify(req.headers.cookie, auth);
    if (!principal) {
      next(
        new HttpError(
          401,
          'UNAUTHORIZED',
          'join the class at /join first (or open the URL that `stepwise serve` printed)',
        ),
      );
      return;
    }
    if (principal.role === 'learner' && isInstructorOnly(req)) {
      next(new HttpError(403, 'INSTRUCTOR_ONLY', "only the class's instructor may open this"));
      return;
    }
    principals.set(req, principal);
    next();
  };
}
