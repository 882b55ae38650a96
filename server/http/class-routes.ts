// The class's HTTP routes (DESIGN.md "Classes"): joining (POST /api/join, GET /rejoin) for anyone, and the
// instructor's API (GET /api/class, results, reset, remove, broadcast). requireRole (roles.ts) has already
// identified the caller; the instructor's routes check the role again themselves.
import { Router, type Request, type Response } from 'express';
import { JoinError, type Classroom } from '../class/index.ts';
import { broadcastRequestSchema, joinRequestSchema, type JoinResponse } from '../protocol/index.ts';
import { SessionError, type SessionManager } from '../terminal/index.ts';
import { tokenSetCookie } from './token-cookie.ts';
import { resultsCsv, resultsJunit } from './class-results.ts';
import { HttpError } from './http-error.ts';
import { FailureLimiter } from './join-limiter.ts';
import { bodyOf, jsonBody } from './json-body.ts';
import { learnerCookieValue, requireInstructor } from './roles.ts';
import { rosterLearner } from './learner-param.ts';

export interface ClassRouteDeps {
  classroom: Classroom;
  sessions: SessionManager;
  /** The learner cookie's name (it depends on the port, known after listen). */
  learnerCookieName: () => string;
  /** The server's base URL, ending in "/", for the rejoin link. */
  baseUrl: () => string;
  limiter?: FailureLimiter;
}

const JOIN_STATUS: Record<JoinError['code'], number> = {
  BAD_CLASS_CODE: 403,
  NAME_TAKEN: 409,
  BAD_NAME: 400,
  CLASS_FULL: 403,
};

export function classRoutes(deps: ClassRouteDeps): Router {
  const router = Router();
  const limiter = deps.limiter ?? new FailureLimiter();
  const address = (req: Request) => req.socket.remoteAddress ?? 'unknown';
  const refuseIfLimited = (req: Request) => {
    if (limiter.blocked(address(req)))
      throw new HttpError(429, 'TOO_MANY_JOINS', 'too many failed attempts to join from this address; wait a minute');
  };
  const setLearnerCookie = (res: Response, learnerId: string, secret: string) =>
    res.setHeader('Set-Cookie', tokenSetCookie(deps.learnerCookieName(), learnerCookieValue(learnerId, secret)));

  router.post('/api/join', jsonBody, (req, res) => {
    refuseIfLimited(req);
    try {
      const body = bodyOf(req, joinRequestSchema, 'BAD_NAME');
      const { learner, secret } = deps.classroom.join(body.code, body.name);
      setLearnerCookie(res, learner.id, secret);
      res.setHeader('Cache-Control', 'no-store');
      const reply: JoinResponse = {
        learnerId: learner.id,
        name: learner.name,
        rejoinUrl: `${deps.baseUrl()}rejoin?key=${encodeURIComponent(learnerCookieValue(learner.id, secret))}`,
      };
      res.json(reply);
    } catch (e: unknown) {
      limiter.fail(address(req));
      if (e instanceof JoinError) throw new HttpError(JOIN_STATUS[e.code], e.code, e.message);
      throw e;
    }
  });

  /** The personal rejoin link: sets this learner's cookie in another browser, then opens the lessons. */
  router.get('/rejoin', (req, res) => {
    refuseIfLimited(req);
    const key = typeof req.query.key === 'string' ? req.query.key : '';
    const dot = key.indexOf('.');
    const learnerId = key.slice(0, Math.max(dot, 0));
    const secret = key.slice(dot + 1);
    if (dot <= 0 || !deps.classroom.authenticate(learnerId, secret)) {
      limiter.fail(address(req));
      throw new HttpError(
        403,
        'BAD_REJOIN_LINK',
        'this rejoin link is not valid in this class (the learner may have been removed); join again at /join',
      );
    }
    setLearnerCookie(res, learnerId, secret);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, '/');
  });

  const instructor = Router();
  instructor.use(requireInstructor);
  instructor.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(deps.classroom.view());
  });
  instructor.get('/results.csv', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="results.csv"');
    res.type('text/csv; charset=utf-8').send(resultsCsv(deps.classroom.resultRows()));
  });
  instructor.get('/results.xml', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="results.xml"');
    res.type('application/xml; charset=utf-8').send(resultsJunit(deps.classroom.name, deps.classroom.resultRows()));
  });
  instructor.post('/learners/:id/reset', async (req, res) => {
    const learnerId = rosterLearner(deps.classroom, req.params.id);
    const sessions = deps.sessions.ownedBy(learnerId);
    // Each session reports its own resetDone to the learner's page; this waits for all of them.
    try {
      await Promise.all(sessions.map((s) => s.reset()));
    } catch (e: unknown) {
      // The learner's own Reset or Catch up is running: theirs wins, and the instructor may try again.
      if (e instanceof SessionError && e.code === 'BUSY') throw new HttpError(409, 'BUSY', e.message);
      throw e;
    }
    res.json({ reset: sessions.length });
  });
  instructor.delete('/learners/:id', async (req, res) => {
    const learnerId = rosterLearner(deps.classroom, req.params.id);
    deps.classroom.remove(learnerId);
    const sessions = deps.sessions.ownedBy(learnerId);
    await Promise.all(sessions.map((s) => deps.sessions.close(s.id, 'the learner was removed from the class')));
    res.json({ removed: learnerId, sessionsClosed: sessions.length });
  });
  instructor.post('/broadcast', jsonBody, (req, res) => {
    const { message } = bodyOf(req, broadcastRequestSchema);
    const sessions = deps.sessions.all().filter((s) => s.owner !== null && !s.isClosed);
    for (const s of sessions) s.announce(message);
    res.json({ delivered: sessions.length });
  });
  router.use('/api/class', instructor);
  return router;
}
