import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'
import type { LogLevel } from '../../config/config.ts'

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object: secrets must
 * never reach a log line, even when someone logs a whole request or config by mistake.
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
  'password',
  '*.password',
  'secret',
  '*.secret',
]

export interface CreateLoggerParameters {
  readonly level: LogLevel
  /** Defaults to stdout; `stderr` keeps stdout free for a CLI's own output. */
  readonly destination?: DestinationStream | 'stderr'
}

/** A pino JSON logger with the coordinator's redaction rules. */
export function createLogger(parameters: CreateLoggerParameters): Logger {
  const options = { level: parameters.level, base: { service: 'coordinator' }, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }
  const { destination } = parameters
  if (destination === undefined) return pino(options)
  // Synchronous writes to stderr, so the last lines before exit are never lost.
  return pino(options, destination === 'stderr' ? pino.destination({ fd: 2, sync: true }) : destination)
}
