// The stepwise server: lessons over HTTP, terminals over one WebSocket per session (DESIGN.md). This is what
// `stepwise serve` and the tests call. Secure by default: loopback, a random token, cookie-only API and
// WebSocket, Host/Origin checks, CSP.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import { WebSocketServer } from 'ws';
import { CodedError } from '../protocol/index.ts';
import {
  createProvider,
  stateDir as defaultStateDir,
  warmKindOf,
  type BackendName,
  type Provider,
  type WarmContainers,
} from '../environment/index.ts';
import { runStepChecks } from '../checks/index.ts';
import {
  CLASS_SESSIONS_PER_LEARNER,
  SessionManager,
  sessionLimits,
  type SessionLimits,
  type StepChecker,
} from '../terminal/index.ts';
import { DEFAULT_HOST, hostAllowed, isLoopbackHost, newToken, tokenCookieName } from './auth.ts';
// Class mode (the classroom, its SQLite store, recordings and routes) is imported only by a server started with a
// class: better-sqlite3 and the class code cost a one-user server about 1.5 MiB at idle (DESIGN.md's idle RSS target).
import type { ClassRecorder, Classroom } from '../class/index.ts';
import { identify, learnerCookieName, principalOf, requireRole, type Principal, type RoleAuth } from './roles.ts';
import { apiRoutes } from './api-routes.ts';
import { findClientDir } from './client-files.ts';
import { HttpError, errorHandler } from './http-error.ts';
import { registerInspectRoute } from './inspect-route.ts';
import { LessonCatalog } from './lesson-catalog.ts';
import { silentLogger, type Logger } from './logger.ts';
import { pageRoutes, requireCookie, tokenExchange } from './pages.ts';
import { PROGRESS_FILE_NAME, ProgressStore } from './progress-store.ts';
import { securityHeaders } from './security-headers.ts';
import { handleUpgrade, type UpgradeAuth } from './upgrade.ts';
import { serveConnection, type ClassFeed } from './ws-connection.ts';

export { DEFAULT_HOST };
/** Largest WebSocket message accepted (256 KiB): keystrokes and pastes, and JSON control messages. */
export const WS_MAX_PAYLOAD_BYTES = 256 * 1024;

export interface ServerOptions {
  /** The lessons folder (or one lesson). */
  root: string;
  host?: string; // default 127.0.0.1
  port?: number; // default 0: any free port
  /** The access token; false for none (loopback only). Default: a new random token. */
  token?: string | false;
  backend?: Provider | BackendName; // default local
  /** Docker engine for the local shells and checks, or the docker backend. Default DOCKER_HOST or the default socket. */
  dockerHost?: string | null;
  /** stepwise's state folder (progress.json, local sessions). Default $XDG_STATE_HOME/stepwise. */
  stateDir?: string;
  /** The built browser app. Default dist/client. */
  clientDir?: string | null;
  limits?: Partial<SessionLimits>;
  /** Reload lessons when their files change, and tell open pages. */
  watch?: boolean;
  logger?: Logger; // default silent
  checkStep?: StepChecker;
  /** Serve a class (DESIGN.md "Classes"): learners join with the class code; the token is the instructor's. */
  class?: ClassOptions;
  /** Environments kept made ahead of learners, per kind of lesson, where the provider pools them (docker).
   *  Default 0 (`stepwise serve --class` asks for DEFAULT_CLASS_WARM_ENVIRONMENTS). */
  warm?: number;
}

export interface ClassOptions {
  name: string;
  maxLearners?: number;
  /** Allows the local backend in a class: every learner then gets a shell as the server's own user. */
  sharedHost?: boolean;
}

export interface RunningServer {
  /** The URL to open: with ?token= when a token is in use. */
  url: string;
  /** The same without the token. */
  baseUrl: string;
  token: string | null;
  host: string;
  port: number;
  cookieName: string;
  sessions: SessionManager;
  catalog: LessonCatalog;
  provider: Provider;
  /** Class mode: the class, and the learner cookie's name. */
  classroom: Classroom | null;
  /** Environments made ahead of learners (null: none kept). */
  warm: WarmContainers | null;
  learnerCookieName: string;
  close(): Promise<void>;
}

export class ServerConfigError extends CodedError<
  'PUBLIC_BIND_WITHOUT_AUTH' | 'LISTEN_FAILED' | 'CLASS_WITHOUT_TOKEN' | 'CLASS_ON_SHARED_HOST'
> {}

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  if (opts.token === false && !isLoopbackHost(host)) {
    throw new ServerConfigError(
      'PUBLIC_BIND_WITHOUT_AUTH',
      `refusing to listen on ${host} without a token: anyone who can reach it would get a shell on this machine. ` +
        'Drop --no-token, or listen on 127.0.0.1.',
    );
  }
  if (opts.class && opts.token === false) {
    throw new ServerConfigError('CLASS_WITHOUT_TOKEN', "a class needs the instructor's token: drop --no-token");
  }
  const log = opts.logger ?? silentLogger();
  const state = opts.stateDir ?? defaultStateDir();
  const provider =
    typeof opts.backend === 'object'
      ? opts.backend
      : createProvider(opts.backend ?? 'local', {
          stateDir: state,
          ...(opts.dockerHost !== undefined ? { dockerHost: opts.dockerHost } : {}),
        });
  if (opts.class && provider.name === 'local' && !opts.class.sharedHost) {
    throw new ServerConfigError(
      'CLASS_ON_SHARED_HOST',
      "a class on the local backend gives every learner a shell as this server's user, able to read each other's " +
        'files: use --backend docker, or say --shared-host if that is what you want',
    );
  }
  const catalog = await LessonCatalog.load(resolve(opts.root), log);
  const token = opts.token === false ? null : (opts.token ?? newToken());
  // Opened before anything that holds timers or environments, so a bad class name or database leaves nothing behind.
  const classroom = opts.class ? await openClassroom(opts.class, state, catalog, token ?? newToken()) : null;
  const progress = await ProgressStore.open(join(state, PROGRESS_FILE_NAME), log).catch((e: unknown) => {
    classroom?.dispose();
    throw e;
  });
  const sessions = new SessionManager({
    provider,
    progress,
    // A class holds a session or two per learner; the one-user default (a few tabs) would seat only a handful.
    limits: sessionLimits(
      classroom && opts.limits?.maxSessions === undefined
        ? { ...opts.limits, maxSessions: classroom.capacity * CLASS_SESSIONS_PER_LEARNER }
        : opts.limits,
    ),
    log,
    checkStep: opts.checkStep ?? runStepChecks,
  });
  const recorder = classroom ? await recordClass(classroom, sessions, log) : null;
  await sessions.reapOrphans();
  // One mutable auth record for pages and upgrades: the cookie name depends on the port, known after listen.
  const auth: UpgradeAuth = { token, cookieName: '', bindHost: host };
  const roleAuth: RoleAuth = {
    get token() {
      return auth.token;
    },
    get cookieName() {
      return auth.cookieName;
    },
    learnerCookieName: '',
    learner: (id, secret) => classroom?.authenticate(id, secret) !== undefined,
  };
  if (classroom) auth.identify = (cookieHeader) => identify(cookieHeader, roleAuth);
  let listeningPort = 0; // known after listen; the rejoin link needs it
  const learnerOf = (req: Request): string | null => {
    const p = principalOf(req);
    return p.role === 'learner' ? p.learnerId : null;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      hostAllowed(req.headers.host, { bindHost: host })
        ? undefined
        : new HttpError(403, 'FORBIDDEN_HOST', 'this Host is not served here'),
    );
  });
  app.use(securityHeaders());
  app.use(tokenExchange(auth));
  app.use(classroom ? requireRole(roleAuth) : requireCookie(auth));
  if (classroom) {
    const { classRoutes } = await import('./class-routes.ts');
    app.use(
      classRoutes({
        classroom,
        sessions,
        learnerCookieName: () => roleAuth.learnerCookieName,
        baseUrl: () => baseUrlOf(host, listeningPort),
      }),
    );
    if (recorder) {
      const { recordingRoutes } = await import('./recording-routes.ts');
      app.use('/api/class', recordingRoutes({ classroom, recorder }));
    }
  }
  app.use(
    '/api',
    apiRoutes({
      catalog,
      progress,
      provider,
      ...(classroom
        ? {
            progressFor: (req: Request) => {
              const learner = learnerOf(req);
              return learner === null ? progress : classroom.progressFor(learner);
            },
          }
        : {}),
    }),
  );
  registerInspectRoute(app, { sessions, log, ...(classroom ? { ownerOf: learnerOf } : {}) });
  app.use(
    pageRoutes(
      opts.clientDir === undefined ? findClientDir() : opts.clientDir,
      classroom ? ['/join', '/instructor'] : [],
    ),
  );
  app.use((req: Request, _res: Response, next: NextFunction) =>
    next(new HttpError(404, 'NOT_FOUND', `nothing at ${req.path}`)),
  );
  app.use(errorHandler(log));

  const classFeed: ClassFeed | undefined = classroom
    ? { view: () => classroom.view(), onUpdate: classroom.onUpdate, isLearner: (id) => classroom.isLearner(id) }
    : undefined;
  const server: Server = createHttpServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  server.on(
    'upgrade',
    handleUpgrade(
      wss,
      auth,
      (ws, principal: Principal) => {
        if (!classroom || principal.role === 'instructor') {
          serveConnection(ws, { sessions, catalog, log, ...(classFeed ? { classFeed } : {}) });
          return;
        }
        const presence = classroom.connected(principal.learnerId);
        ws.once('close', () => presence.dispose());
        serveConnection(ws, {
          sessions,
          catalog,
          log,
          owner: {
            id: principal.learnerId,
            progress: classroom.progressFor(principal.learnerId),
            active: () => classroom.isLearner(principal.learnerId),
            opened: (lessonId) => classroom.opened(principal.learnerId, lessonId),
          },
        });
      },
      log,
    ),
  );

  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (e: unknown) {
    await sessions.closeAll();
    await recorder?.close();
    classroom?.dispose();
    throw new ServerConfigError(
      'LISTEN_FAILED',
      `cannot listen on ${host}:${opts.port ?? 0}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  auth.cookieName = tokenCookieName(port);
  roleAuth.learnerCookieName = learnerCookieName(port);
  listeningPort = port;
  // Started once the server listens: a failed listen (the CLI then tries the next port) leaves no pool behind.
  const warm = keepEnvironmentsWarm(provider, catalog, opts.warm ?? 0, log);

  if (opts.watch) {
    catalog.watch();
    catalog.onChanged((lessons) => {
      for (const lesson of lessons) sessions.replaceLesson(lesson);
    });
  }

  const baseUrl = baseUrlOf(host, port);
  let closing: Promise<void> | null = null;
  return {
    url: auth.token ? `${baseUrl}?token=${auth.token}` : baseUrl,
    baseUrl,
    token: auth.token,
    host,
    port,
    cookieName: auth.cookieName,
    sessions,
    catalog,
    provider,
    classroom,
    warm,
    learnerCookieName: roleAuth.learnerCookieName,
    close: () =>
      (closing ??= (async () => {
        catalog.dispose();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        const stopped = new Promise<void>((ok) => server.close(() => ok()));
        server.closeAllConnections();
        await sessions.closeAll();
        await warm?.dispose();
        await recorder?.close();
        classroom?.dispose();
        await stopped;
        log.info('server stopped');
      })()),
  };
}

/** Starts the provider's pools for the catalog's kinds of lesson. */
function keepEnvironmentsWarm(
  provider: Provider,
  catalog: LessonCatalog,
  size: number,
  log: Logger,
): WarmContainers | null {
  if (size <= 0) return null;
  // Lessons of one kind share a pool: the provider keeps one per kind, however often a kind is named.
  const kinds = catalog.list().map(warmKindOf);
  if (kinds.length === 0) return null;
  return provider.keepWarm(kinds, size, (err) =>
    log.warn({ err }, 'an environment made ahead of learners failed; learners who join meanwhile wait for their own'),
  );
}

function baseUrlOf(host: string, port: number): string {
  return `http://${urlHost(host)}:${port}/`;
}

/** Records every learner terminal of the class (subscribed before any session exists, so from its first byte). */
async function recordClass(classroom: Classroom, sessions: SessionManager, log: Logger): Promise<ClassRecorder> {
  const { ClassRecorder, castsDirOf } = await import('../class/index.ts');
  return new ClassRecorder({
    sessions,
    dir: castsDirOf(classroom.file),
    learnerName: (id) => classroom.learners().find((l) => l.id === id)?.name,
    onError: (err, recording) => log.warn({ err, recording }, 'a recording stopped: its file could not be written'),
  });
}

async function openClassroom(
  opts: ClassOptions,
  stateDir: string,
  catalog: LessonCatalog,
  instructorToken: string,
): Promise<Classroom> {
  const { Classroom } = await import('../class/index.ts');
  return Classroom.open(
    {
      stateDir,
      name: opts.name,
      ...(opts.maxLearners !== undefined ? { maxLearners: opts.maxLearners } : {}),
      lessons: () => catalog.list().map((l) => ({ id: l.id, unlock: l.unlock, steps: l.steps })),
    },
    instructorToken,
  );
}

/** How to write the bound address in a URL; a wildcard bind is shown as loopback (the printed link works here). */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
