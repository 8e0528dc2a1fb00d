import type { Selectable } from 'kysely'
import type { AccountId, ZoneId } from '@meson/protocol'
import type { Account, AccountRole, LedgerEntry } from '../../store/store.ts'
import type { Zone } from '../../zones/zone-store.ts'
import type { AccountsTable, ZonesTable } from './database-schema.ts'

/*
 * Rows → domain records. Both dialects arrive here: `pg` returns `bigint` and
 * `numeric` columns as strings, `node:sqlite` returns integers as numbers and money
 * as the TEXT we stored, so times go through `Number()` (ms fit in 2^53) and money
 * through `BigInt()` (exact). The casts to branded ids and unions are sound because
 * only this layer writes those columns and the schema CHECKs the enumerations.
 */

/** Converts a stored millisecond timestamp (number, or string from `pg`) to a Date. */
export function toDate(value: number | string): Date {
  return new Date(Number(value))
}

/** Maps an `accounts` row. */
export function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id as AccountId,
    name: row.name,
    role: row.role as AccountRole,
    payoutAddress: row.payout_address,
    createdAt: toDate(row.created_at),
  }
}

/** Maps a `zones` row. */
export function toZone(row: Selectable<ZonesTable>): Zone {
  return {
    id: row.id as ZoneId,
    accountId: row.account_id as AccountId,
    name: row.name,
    origin: row.origin,
    pricePerGiB: BigInt(row.price_per_gib),
    createdAt: toDate(row.created_at),
  }
}

/** The columns `listEntries` selects: an entry joined with its transaction. */
export interface LedgerEntryRow {
  readonly transaction_id: string
  readonly kind: string
  readonly memo: string | null
  readonly ledger_account: string
  readonly amount: string
  readonly created_at: number | string
}

/** Maps a joined ledger entry row. */
export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  return {
    transactionId: row.transaction_id,
    kind: row.kind,
    memo: row.memo,
    ledgerAccount: row.ledger_account,
    amount: BigInt(row.amount),
    createdAt: toDate(row.created_at),
  }
}
