/** The slice of a pino logger the node uses: lifecycle events only, never per request. */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/** The logger of tests and embedders that pass none: drops everything. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }
