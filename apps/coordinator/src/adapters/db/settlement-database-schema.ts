import type { ColumnType } from 'kysely'

// Type aliases, not interfaces: `$extendTables` wants Record-compatible types.

/** Row shapes of the settlement tables (migration 0040). */
type Int64 = ColumnType<number | string, string | number, string | number>
type Money = ColumnType<string, string, string>

export type SettlementsTable = {
  sequence: number
  root: string
  status: string
  tx_hash: string | null
  total_amount: Money
  created_at: Int64
  confirmed_at: ColumnType<number | string | null, number | null | undefined, number | null>
}

export type SettlementAllocationsTable = {
  sequence: number
  operator_id: string
  payout_address: string
  amount: Money
}

export type ChainCursorsTable = {
  name: string
  block_number: Int64
}

export type SettlementDatabaseSchema = {
  settlements: SettlementsTable
  settlement_allocations: SettlementAllocationsTable
  chain_cursors: ChainCursorsTable
}
