// GET /api/lessons, /api/lesson?id=, /api/lesson-asset?id=&path= (protocol/api.ts). Cookie auth is applied
// by the caller (server.ts) before these.
import { realpath, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { Router } from 'express';
import type { LessonCatalog } from './lesson-catalog.ts';
import type { Request } from 'express';
import type { ProgressStore } from './progress-store.ts';
import type { Provider } from '../environment/index.ts';
import { lessonSummary, lessonView } from './lesson-views.ts';
import { HttpError, queryString } from './http-error.ts';
import { ASSET_CSP } from './security-headers.ts';

export interface ApiDeps {
  catalog: LessonCatalog;
  progress: ProgressStore;
  /** Says which lessons this host cannot run, and why. */
  provider: Provider;
  /** Class mode: the caller's own progress (a learner's), where it differs from the server's. */
  progressFor?: (req: Request) => { completedSteps(lessonId: string): string[] };
}

export function apiRoutes(deps: ApiDeps): Router {
  const router = Router();

  const progressOf = (req: Request) => deps.progressFor?.(req) ?? deps.progress;

  router.get('/lessons', async (req, res) => {
    const progress = progressOf(req);
    const summaries = await Promise.all(
      deps.catalog
        .list()
        .map(async (lesson) =>
          lessonSummary(lesson, progress.completedSteps(lesson.id), await deps.provider.unmet(lesson.environment)),
        ),
    );
    res.json(summaries);
  });

  router.get('/lesson', (req, res) => {
    const id = queryString(req.query.id, 'id');
    const lesson = deps.catalog.get(id);
    if (!lesson) throw new HttpError(404, 'LESSON_NOT_FOUND', `no lesson "${id}" here`);
    res.json(lessonView(lesson, progressOf(req).completedSteps(lesson.id)));
  });

  router.get('/lesson-asset', async (req, res) => {
    const id = queryString(req.query.id, 'id');
    const path = queryString(req.query.path, 'path');
    const lesson = deps.catalog.get(id);
    if (!lesson) throw new HttpError(404, 'LESSON_NOT_FOUND', `no lesson "${id}" here`);
    const file = await assetPath(lesson.dir, path);
    res.setHeader('Content-Security-Policy', ASSET_CSP);
    res.sendFile(file, { dotfiles: 'allow' }); // dotfiles were refused above, after resolving links
  });

  return router;
}

/**
 * Resolves `path` inside the lesson folder. Refused: anything whose real path (links followed) is outside
 * the folder, and any dotfile or dot-folder on the way (.git, .env), named or reached through a link.
 */
export async function assetPath(lessonDir: string, path: string): Promise<string> {
  if (path.includes('\0')) throw new HttpError(400, 'BAD_REQUEST', 'asset path has a NUL byte');
  if (hasDotSegment(path)) throw new HttpError(403, 'ASSET_DENIED', `asset ${path} is a hidden file`);
  const root = await realpath(lessonDir);
  let real: string;
  try {
    real = await realpath(resolve(root, path));
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new HttpError(404, 'ASSET_NOT_FOUND', `the lesson has no asset ${path}`);
    }
    throw e;
  }
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || resolve(root, inside) !== real) {
    throw new HttpError(403, 'ASSET_DENIED', `asset ${path} is outside the lesson folder`);
  }
  if (hasDotSegment(inside)) throw new HttpError(403, 'ASSET_DENIED', `asset ${path} is a hidden file`);
  if (!(await stat(real)).isFile()) throw new HttpError(404, 'ASSET_NOT_FOUND', `asset ${path} is not a file`);
  return real;
}

function hasDotSegment(path: string): boolean {
  return path.split(/[\\/]+/).some((segment) => segment.startsWith('.') && segment !== '.');
}
