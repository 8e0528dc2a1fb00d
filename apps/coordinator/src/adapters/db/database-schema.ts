import type { ColumnType, Generated } from 'kysely'

/**
 * Row shapes of the coordinator's tables as kysely sees them, for both dialects.
 *
 * Timestamps are milliseconds since the epoch: `bigint` in PostgreSQL (which `pg`
 * returns as a string) and `integer` in SQLite (returned as a number), so selects
 * are typed `number | string` and converted with `Number()` when mapped.
 * Money is `numeric(78,0)` in PostgreSQL and a decimal `TEXT` in SQLite; both come
 * back as strings and are converted with `BigInt()`, never through a float.
 */
type TimestampMs = ColumnType<number | string, number, number>
type NullableTimestampMs = ColumnType<number | string | null, number | null, number | null>
/** A decimal integer string, e.g. `"-1000000000000000000000000000000"`. */
type Money = ColumnType<string, string, never>

export interface AccountsTable {
  id: string
  name: string
  role: string
  payout_address: string | null
  created_at: TimestampMs
}

export interface ApiTokensTable {
  token_hash: string
  account_id: string
  created_at: TimestampMs
}

export interface ZonesTable {
  id: string
  account_id: string
  name: string
  origin: string
  price_per_gib: ColumnType<string, string, string>
  created_at: TimestampMs
}

export interface NodesTable {
  id: string
  operator_id: string
  public_key: string
  public_url: string
  version: string
  status: string
  registered_at: TimestampMs
  last_heartbeat_at: NullableTimestampMs
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface LedgerTransactionsTable {
  id: string
  kind: string
  memo: string | null
  created_at: TimestampMs
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface LedgerEntriesTable {
  id: Generated<number | string>
  transaction_id: string
  ledger_account: string
  amount: Money
  created_at: TimestampMs
}

export interface DatabaseSchema {
  accounts: AccountsTable
  api_tokens: ApiTokensTable
  zones: ZonesTable
  nodes: NodesTable
  ledger_transactions: LedgerTransactionsTable
  ledger_entries: LedgerEntriesTable
}
