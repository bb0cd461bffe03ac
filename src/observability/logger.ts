import pino, { type Logger } from 'pino';
import type { Config } from '../config/config';

/** JSON lines on stdout. Paths that could ever carry a secret are censored as a second line of defence. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'gatehouse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization', 'secret', '*.secret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
