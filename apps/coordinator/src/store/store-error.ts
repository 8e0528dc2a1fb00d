import { BaseError } from '@meson/protocol'

/**
 * Stable codes a `Store` throws. Callers (the HTTP adapter, the CLI) match on `code`:
 * - `LEDGER_UNBALANCED`: entries do not sum to zero, or fewer than two entries.
 * - `AMOUNT_OUT_OF_RANGE`: a money value does not fit `numeric(78,0)`, or a price is negative.
 * - `ACCOUNT_NOT_FOUND`: the account a row refers to does not exist.
 * - `TOKEN_HASH_TAKEN`: the token hash already belongs to another account.
 * - `INVALID_ARGUMENT`: e.g. a negative or fractional `limit`.
 * - `STORE_URL_INVALID`, `STORE_OPTION_UNSUPPORTED`: bad configuration.
 * - `STORE_UNAVAILABLE`: the database cannot be reached.
 * - `MIGRATION_FAILED`: the schema could not be brought to the latest version.
 */
export type StoreErrorCode =
  | 'LEDGER_UNBALANCED'
  | 'AMOUNT_OUT_OF_RANGE'
  | 'ACCOUNT_NOT_FOUND'
  | 'TOKEN_HASH_TAKEN'
  | 'INVALID_ARGUMENT'
  | 'STORE_URL_INVALID'
  | 'STORE_OPTION_UNSUPPORTED'
  | 'STORE_UNAVAILABLE'
  | 'MIGRATION_FAILED'

/** An error of the storage layer, carrying one of the stable `StoreErrorCode`s. */
export class StoreError extends BaseError {
  override readonly name: string = 'StoreError'
  declare readonly code: StoreErrorCode

  constructor(code: StoreErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
