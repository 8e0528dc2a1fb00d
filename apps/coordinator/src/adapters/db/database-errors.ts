/*
 * Recognising constraint violations across drivers. `pg` sets the SQLSTATE on
 * `code` (PostgreSQL Appendix A: 23503 foreign_key_violation); `node:sqlite` sets
 * SQLite's extended result code on `errcode` (SQLITE_CONSTRAINT_FOREIGNKEY = 787).
 */

const PG_FOREIGN_KEY_VIOLATION = '23503'
const SQLITE_CONSTRAINT_FOREIGNKEY = 787

/** Whether a driver error is a foreign key violation, on either dialect. */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  if ('errcode' in error && error.errcode === SQLITE_CONSTRAINT_FOREIGNKEY) return true
  return 'code' in error && error.code === PG_FOREIGN_KEY_VIOLATION && 'severity' in error
}
