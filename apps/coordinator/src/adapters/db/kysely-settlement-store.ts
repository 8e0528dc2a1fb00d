import type { AccountId } from '@meson/protocol'
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { getAddress } from 'viem'
import type { Hex } from 'viem'
import type { PayoutAllocation } from '../../settlement/payout-allocation.ts'
import type { SettlementRecord, SettlementStore } from '../../settlement/settlement-store.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { SettlementDatabaseSchema } from './settlement-database-schema.ts'

type Schema = DatabaseSchema & SettlementDatabaseSchema
interface SettlementRow {
  readonly sequence: number
  readonly root: string
  readonly status: string
  readonly tx_hash: string | null
  readonly total_amount: string
  readonly created_at: number | string
  readonly confirmed_at: number | string | null
}

/** The settlement tables (migration 0040) on SQLite or PostgreSQL, through kysely. */
export class KyselySettlementStore implements SettlementStore {
  readonly #db: Kysely<Schema>
  readonly #now: () => Date

  constructor(db: Kysely<DatabaseSchema>, options: { readonly now?: () => Date } = {}) {
    this.#db = db.$extendTables<SettlementDatabaseSchema>()
    this.#now = options.now ?? (() => new Date())
  }

  async latestSettlement(): Promise<SettlementRecord | undefined> {
    const row = await this.#selectSettlement().orderBy('sequence', 'desc').limit(1).executeTakeFirst()
    return row === undefined ? undefined : toRecord(row)
  }

  async latestConfirmedSettlement(): Promise<SettlementRecord | undefined> {
    const row = await this.#selectSettlement().where('status', '=', 'confirmed').orderBy('sequence', 'desc').limit(1).executeTakeFirst()
    return row === undefined ? undefined : toRecord(row)
  }

  async recordPlanned(input: { sequence: number; root: Hex; totalAmount: bigint; allocations: readonly PayoutAllocation[] }): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('settlements')
        .values({ sequence: input.sequence, root: input.root, status: 'planned', tx_hash: null, total_amount: input.totalAmount.toString(), created_at: this.#now().getTime() })
        .onConflict((conflict) => conflict.column('sequence').doNothing())
        .executeTakeFirst()
      if (inserted.numInsertedOrUpdatedRows !== 1n) return false
      // Chunked: one statement per 200 rows stays under both databases' parameter limits.
      for (let start = 0; start < input.allocations.length; start += 200) {
        await trx
          .insertInto('settlement_allocations')
          .values(input.allocations.slice(start, start + 200).map((allocation) => ({ sequence: input.sequence, operator_id: allocation.operatorId, payout_address: allocation.payoutAddress, amount: allocation.amount.toString() })))
          .execute()
      }
      return true
    })
  }

  async markSent(sequence: number, txHash: Hex): Promise<void> {
    await this.#db.updateTable('settlements').set({ tx_hash: txHash, status: 'sent' }).where('sequence', '=', sequence).where('status', '!=', 'confirmed').execute()
  }

  async markConfirmed(sequence: number, txHash: Hex, at: Date): Promise<void> {
    await this.#db.updateTable('settlements').set({ tx_hash: txHash, status: 'confirmed', confirmed_at: at.getTime() }).where('sequence', '=', sequence).execute()
  }

  async listAllocations(sequence: number): Promise<readonly PayoutAllocation[]> {
    const rows = await this.#db
      .selectFrom('settlement_allocations')
      .select(['operator_id', 'payout_address', sql<string>`cast(amount as text)`.as('amount')])
      .where('sequence', '=', sequence)
      .orderBy('operator_id')
      .orderBy('payout_address')
      .execute()
    return rows.map((row) => ({ operatorId: row.operator_id as AccountId, payoutAddress: getAddress(row.payout_address), amount: BigInt(row.amount) }))
  }

  async getCursor(name: string): Promise<bigint | undefined> {
    const row = await this.#db.selectFrom('chain_cursors').select(sql<string>`cast(block_number as text)`.as('block')).where('name', '=', name).executeTakeFirst()
    return row === undefined ? undefined : BigInt(row.block)
  }

  async setCursor(name: string, blockNumber: bigint): Promise<void> {
    await this.#db
      .insertInto('chain_cursors')
      .values({ name, block_number: blockNumber.toString() })
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ block_number: blockNumber.toString() }))
      .execute()
  }

  #selectSettlement() {
    return this.#db
      .selectFrom('settlements')
      .select(['sequence', 'root', 'status', 'tx_hash', sql<string>`cast(total_amount as text)`.as('total_amount'), 'created_at', 'confirmed_at'])
  }
}

function toRecord(row: SettlementRow): SettlementRecord {
  const status = row.status === 'confirmed' || row.status === 'sent' ? row.status : 'planned'
  return {
    sequence: row.sequence,
    // Written by recordPlanned from a Hex; the column holds nothing else.
    root: row.root as Hex,
    status,
    txHash: row.tx_hash === null ? null : (row.tx_hash as Hex),
    totalAmount: BigInt(row.total_amount),
    createdAt: new Date(Number(row.created_at)),
    confirmedAt: row.confirmed_at === null ? null : new Date(Number(row.confirmed_at)),
  }
}
