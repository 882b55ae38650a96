// The server layer's public face: what `stepwise serve` and the tests start.
export { createServer, ServerConfigError, DEFAULT_HOST, type RunningServer, type ServerOptions } from './server.ts';
export { createLogger, silentLogger, type Logger } from './logger.ts';
