import type { AccountId } from '@meson/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { Zone } from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { toZone } from './map-rows.ts'
import { isStorableMoney } from './storable-money.ts'

/**
 * The one writer of `zones` rows and of `zones.price_per_gib` (ADR 0008, "one owner per
 * table"): the `Store`'s zone code creates zones here, and the zone-settings path
 * (`kysely-zone-settings.ts`) changes a price here, inside its own transaction. Price
 * bounds are checked in this file only.
 */

/** Throws `AMOUNT_OUT_OF_RANGE` unless the price is storable money, 0 or more. */
export function checkZonePrice(pricePerGiB: bigint): void {
  if (pricePerGiB < 0n || !isStorableMoney(pricePerGiB)) {
    throw new StoreError('AMOUNT_OUT_OF_RANGE', 'A zone price must be between 0 and 10^78 - 1 base units per GiB.')
  }
}

/** The row of a new zone, as `insertZoneRow` writes it. */
export interface NewZoneRow {
  readonly id: string
  readonly account_id: string
  readonly name: string
  readonly origin: string
  readonly pricePerGiB: bigint
  readonly created_at: number
}

/** Inserts a zone unless its name is taken (UNIQUE(name) decides a race); the zone, or undefined when taken. */
export async function insertZoneRow(db: Kysely<DatabaseSchema>, zone: NewZoneRow): Promise<Zone | undefined> {
  checkZonePrice(zone.pricePerGiB)
  const row = { id: zone.id, account_id: zone.account_id, name: zone.name, origin: zone.origin, price_per_gib: zone.pricePerGiB.toString(), created_at: zone.created_at }
  const inserted = await db
    .insertInto('zones')
    .values(row)
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted === undefined ? undefined : toZone(row)
}

/**
 * Sets the price of a zone the account owns, inside the caller's transaction (unchanged when `pricePerGiB` is undefined:
 * the no-op update still takes SQLite's write lock before the caller reads). The zone
 * after the update, or undefined when the account has no zone of that name.
 */
export async function updateZonePrice(trx: Transaction<DatabaseSchema>, accountId: AccountId, zoneName: string, pricePerGiB: bigint | undefined): Promise<Zone | undefined> {
  if (pricePerGiB !== undefined) checkZonePrice(pricePerGiB)
  const update = trx.updateTable('zones').where('account_id', '=', accountId).where('name', '=', zoneName)
  const updated = await (pricePerGiB === undefined ? update.set((eb) => ({ price_per_gib: eb.ref('price_per_gib') })) : update.set({ price_per_gib: pricePerGiB.toString() }))
    .returningAll()
    .executeTakeFirst()
  return updated === undefined ? undefined : toZone(updated)
}
