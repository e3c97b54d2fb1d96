/** The pino logger every service uses. */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** Options of the root logger. */
export interface LoggerOptions {
  level: LevelWithSilent;
  /** Pretty, human-readable lines instead of JSON (for a terminal). */
  pretty?: boolean;
  /** Name of the process, e.g. `yzg`, `fleet`. */
  name?: string;
}

/** Creates the root logger; services take children of it (`log.child({ module: 'ingest' })`). */
export function createLogger(opts: LoggerOptions): Logger {
  return pino({
    level: opts.level,
    name: opts.name ?? 'yzg',
    ...(opts.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}

/** A logger that drops everything (tests that do not care about logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
