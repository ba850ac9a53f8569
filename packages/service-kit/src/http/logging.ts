import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

/**
 * Belt and braces: the kit never logs headers or bodies, but should anything pass a request,
 * a key or a token to the logger, these paths are censored.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'token',
  'secret',
  'body',
  '*.authorization',
  '*.cookie',
  '*.token',
  '*.secret',
  '*.body',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body',
  'res.headers["set-cookie"]',
];

export function createLogger(
  options: { level?: LevelWithSilent; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const settings = {
    level: options.level ?? 'info',
    ...(options.name ? { name: options.name } : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
