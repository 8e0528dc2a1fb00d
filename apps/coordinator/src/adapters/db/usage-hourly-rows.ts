import { sql } from 'kysely'
import type { Transaction } from 'kysely'
import type { HourlyUsage } from '../../metering/build-usage-charges.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { MeteringDatabaseSchema } from './metering-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'

/**
 * The writer of the hourly usage aggregates (`usage_hourly`, `usage_hourly_country`): adds
 * one hour of a zone's usage on one node, inside the usage batch's transaction
 * (`KyselyMeteringStore.applyUsageBatch`), exactly (money and 64-bit byte counts never
 * pass through a float).
 */

type Schema = DatabaseSchema & MeteringDatabaseSchema

/** Adds an hour's usage (bytes, cost, requests) and its split by country to the aggregates. */
export async function addHourlyUsage(trx: Transaction<Schema>, dialect: SqlDialect, usage: HourlyUsage): Promise<void> {
  const key = { zone_id: usage.zone.zoneId, hour_start: usage.hourStart, node_id: usage.nodeId }
  if (dialect === 'postgres') {
    // numeric and bigint additions are exact in PostgreSQL, and atomic in the upsert.
    await trx
      .insertInto('usage_hourly')
      .values({ ...key, zone_name: usage.zone.name, account_id: usage.zone.accountId, operator_id: usage.operatorId, bytes: usage.bytes.toString(), cost: usage.cost.toString(), requests: usage.requests })
      .onConflict((conflict) =>
        conflict.columns(['zone_id', 'hour_start', 'node_id']).doUpdateSet({
          bytes: sql<string>`usage_hourly.bytes + excluded.bytes`,
          cost: sql<string>`usage_hourly.cost + excluded.cost`,
          requests: sql<number>`usage_hourly.requests + excluded.requests`,
        }),
      )
      .execute()
    await addCountryUsage(trx, usage)
    return
  }
  // SQLite would add the TEXT money as a double, so the sum is done here; the
  // transaction holds the write lock, so nobody changes the row in between.
  const existing = await trx
    .selectFrom('usage_hourly')
    .select(['cost', 'requests'])
    .select(sql<string>`cast(bytes as text)`.as('bytes_text'))
    .where('zone_id', '=', key.zone_id)
    .where('hour_start', '=', key.hour_start)
    .where('node_id', '=', key.node_id)
    .executeTakeFirst()
  if (existing === undefined) {
    await trx
      .insertInto('usage_hourly')
      .values({ ...key, zone_name: usage.zone.name, account_id: usage.zone.accountId, operator_id: usage.operatorId, bytes: usage.bytes.toString(), cost: usage.cost.toString(), requests: usage.requests })
      .execute()
  } else {
    await trx
      .updateTable('usage_hourly')
      .set({ bytes: (BigInt(existing.bytes_text) + usage.bytes).toString(), cost: (BigInt(existing.cost) + usage.cost).toString(), requests: Number(existing.requests) + usage.requests })
      .where('zone_id', '=', key.zone_id)
      .where('hour_start', '=', key.hour_start)
      .where('node_id', '=', key.node_id)
      .execute()
  }
  await addCountryUsage(trx, usage)
}

/** Adds an hour's usage by country; bytes are summed as text-cast integers, exact (as above). */
async function addCountryUsage(trx: Transaction<Schema>, usage: HourlyUsage): Promise<void> {
  for (const part of usage.countries) {
    const key = { zone_id: usage.zone.zoneId, hour_start: usage.hourStart, node_id: usage.nodeId, country: part.country }
    const existing = await trx
      .selectFrom('usage_hourly_country')
      .select(['requests'])
      .select(sql<string>`cast(bytes as text)`.as('bytes_text'))
      .where('zone_id', '=', key.zone_id)
      .where('hour_start', '=', key.hour_start)
      .where('node_id', '=', key.node_id)
      .where('country', '=', key.country)
      // The hourly row of this zone, hour and node is already locked by the upsert above
      // (PostgreSQL) or the write lock (SQLite), so no other batch changes this row meanwhile.
      .executeTakeFirst()
    if (existing === undefined) {
      await trx
        .insertInto('usage_hourly_country')
        .values({ ...key, zone_name: usage.zone.name, account_id: usage.zone.accountId, operator_id: usage.operatorId, bytes: part.bytes.toString(), requests: part.requests })
        .execute()
      continue
    }
    await trx
      .updateTable('usage_hourly_country')
      .set({ bytes: (BigInt(existing.bytes_text) + part.bytes).toString(), requests: Number(existing.requests) + part.requests })
      .where('zone_id', '=', key.zone_id)
      .where('hour_start', '=', key.hour_start)
      .where('node_id', '=', key.node_id)
      .where('country', '=', key.country)
      .execute()
  }
}
