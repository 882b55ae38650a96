// The stepwise server: lessons over HTTP, terminals over one WebSocket per session (DESIGN.md). This is what
// `stepwise serve` and the tests call. Secure by default: loopback, a random token, cookie-only API and
// WebSocket, Host/Origin checks, CSP.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import { WebSocketServer } from 'ws';
import { CodedError } from '../protocol/index.ts';
import { createProvider, stateDir as defaultStateDir, type BackendName, type Provider } from '../environment/index.ts';
import { runStepChecks } from '../checks/index.ts';
import { SessionManager, sessionLimits, type SessionLimits, type StepChecker } from '../terminal/index.ts';
import { DEFAULT_HOST, hostAllowed, isLoopbackHost, newToken, tokenCookieName } from './auth.ts';
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
import { serveConnection } from './ws-connection.ts';

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
  close(): Promise<void>;
}

export class ServerConfigError extends CodedError<'PUBLIC_BIND_WITHOUT_AUTH' | 'LISTEN_FAILED'> {}

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  if (opts.token === false && !isLoopbackHost(host)) {
    throw new ServerConfigError(
      'PUBLIC_BIND_WITHOUT_AUTH',
      `refusing to listen on ${host} without a token: anyone who can reach it would get a shell on this machine. ` +
        'Drop --no-token, or listen on 127.0.0.1.',
    );
  }
  const log = opts.logger ?? silentLogger();
  const state = opts.stateDir ?? defaultStateDir();
  const provider =
    typeof opts.backend === 'object'
      ? opts.backend
      : createProvider(opts.backend ?? 'local', { stateDir: state, ...(opts.dockerHost !== undefined ? { dockerHost: opts.dockerHost } : {}) });
  const catalog = await LessonCatalog.load(resolve(opts.root), log);
  const progress = await ProgressStore.open(join(state, PROGRESS_FILE_NAME), log);
  const sessions = new SessionManager({
    provider,
    progress,
    limits: sessionLimits(opts.limits),
    log,
    checkStep: opts.checkStep ?? runStepChecks,
  });
  await sessions.reapOrphans();
  // One mutable auth record for pages and upgrades: the cookie name depends on the port, known after listen.
  const auth: UpgradeAuth = { token: opts.token === false ? null : (opts.token ?? newToken()), cookieName: '', bindHost: host };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(hostAllowed(req.headers.host, { bindHost: host }) ? undefined : new HttpError(403, 'FORBIDDEN_HOST', 'this Host is not served here'));
  });
  app.use(securityHeaders());
  app.use(tokenExchange(auth));
  app.use(requireCookie(auth));
  app.use('/api', apiRoutes({ catalog, progress, provider }));
  registerInspectRoute(app, { sessions, log });
  app.use(pageRoutes(opts.clientDir === undefined ? findClientDir() : opts.clientDir));
  app.use((req: Request, _res: Response, next: NextFunction) => next(new HttpError(404, 'NOT_FOUND', `nothing at ${req.path}`)));
  app.use(errorHandler(log));

  const server: Server = createHttpServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  server.on(
    'upgrade',
    handleUpgrade(wss, auth, (ws) => serveConnection(ws, { sessions, catalog, log }), log),
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
    throw new ServerConfigError('LISTEN_FAILED', `cannot listen on ${host}:${opts.port ?? 0}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const port = (server.address() as AddressInfo).port;
  auth.cookieName = tokenCookieName(port);

  if (opts.watch) {
    catalog.watch();
    catalog.onChanged((lessons) => {
      for (const lesson of lessons) sessions.replaceLesson(lesson);
    });
  }

  const baseUrl = `http://${urlHost(host)}:${port}/`;
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
    close: () =>
      (closing ??= (async () => {
        catalog.dispose();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        const stopped = new Promise<void>((ok) => server.close(() => ok()));
        server.closeAllConnections();
        await sessions.closeAll();
        await stopped;
        log.info('server stopped');
      })()),
  };
}

/** How to write the bound address in a URL; a wildcard bind is shown as loopback (the printed link works here). */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
