/**
 * The little the storage layer logs (migrations applied, pool errors). A pino
 * logger fits; tests pass a recording fake. Never given a URL or a secret.
 */
export interface StoreLogger {
  info(fields: object, message: string): void
  error(fields: object, message: string): void
}
