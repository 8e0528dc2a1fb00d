/** The slice of a pino logger the store needs; a recording fake in tests. */
export interface StoreLogger {
  warn(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
}

export { silentLogger } from '../engine/logger.ts'
