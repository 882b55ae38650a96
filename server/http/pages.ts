// The pages (GET / and /lesson/...: the browser app's index.html) and its static files under /static/.
// A page GET with ?token= is where the printed URL's token becomes the cookie: it is set, and the browser is
// redirected to the same URL without the token, so the token does not stay in the address bar or history.
import { readFile } from 'node:fs/promises';
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import { tokenMatches } from './auth.ts';
import { cookieCarriesToken, tokenSetCookie } from './token-cookie.ts';
import { HttpError } from './http-error.ts';

export interface PageAuth {
  token: string | null;
  cookieName: string;
}

/** Resolves a request target such as "/a?b" (and refuses one like "//[" that names a broken authority). */
const PLACEHOLDER_ORIGIN = 'http://placeholder';

/** Cookie check for everything but the token exchange: pages, static files, the API. */
export function requireCookie(auth: PageAuth) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (auth.token !== null && !cookieCarriesToken(req.headers.cookie, auth.cookieName, auth.token)) {
      next(
        new HttpError(401, 'UNAUTHORIZED', 'open the URL that `stepwise serve` printed (it carries the access token)'),
      );
      return;
    }
    next();
  };
}

/** Swaps ?token= for the cookie on any page GET, valid token or not (a wrong one gets 401). */
export function tokenExchange(auth: PageAuth) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const url = URL.canParse(req.originalUrl, PLACEHOLDER_ORIGIN) ? new URL(req.originalUrl, PLACEHOLDER_ORIGIN) : null;
    if (!url) {
      next(new HttpError(400, 'BAD_URL', 'this URL cannot be parsed'));
      return;
    }
    const given = url.searchParams.get('token');
    if (given === null || req.path.startsWith('/api/')) {
      next();
      return;
    }
    if (auth.token !== null && !tokenMatches(auth.token, given)) {
      next(new HttpError(401, 'UNAUTHORIZED', 'this access token is not the one `stepwise serve` printed'));
      return;
    }
    url.searchParams.delete('token');
    if (auth.token !== null) res.setHeader('Set-Cookie', tokenSetCookie(auth.cookieName, auth.token));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, `${url.pathname}${url.search}`);
  };
}

/** `extraPages`: more paths the app draws itself (a class's /join and /instructor). */
export function pageRoutes(clientDir: string | null, extraPages: readonly string[] = []): Router {
  const router = Router();
  let indexHtml: Promise<string> | null = null;
  const page = async (_req: Request, res: Response) => {
    if (!clientDir)
      throw new HttpError(
        503,
        'CLIENT_NOT_BUILT',
        'the browser app is not built: run `npm run build` in the stepwise folder',
      );
    indexHtml ??= readFile(`${clientDir}index.html`, 'utf8');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(await indexHtml);
  };
  router.get('/', page);
  router.get('/lesson/*splat', page);
  for (const path of extraPages) router.get(path, page);
  if (clientDir)
    router.use('/static', express.static(clientDir, { index: false, dotfiles: 'deny', fallthrough: false }));
  return router;
}
