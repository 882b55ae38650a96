// The server's log (pino): JSON lines on stderr for `stepwise serve`, silent unless asked in tests.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: pino.LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { name: 'stepwise' } }, pino.destination(2));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
