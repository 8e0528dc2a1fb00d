/** The slice of a pino logger the store needs; a recording fake in tests. */
export interface StoreLogger {
  warn(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
}

/** A logger that drops everything. */
export const silentLogger: StoreLogger = {
  warn: () => undefined,
  info: () => undefined,
}
