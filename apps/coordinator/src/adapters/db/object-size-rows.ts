import { sql } from 'kysely'
import type { Kysely, Transaction } from 'kysely'
import { objectKeyOf } from '../../metering/bound-usage-by-object-size.ts'
import type { ObjectSizeEvidence, ObjectUsage } from '../../metering/bound-usage-by-object-size.ts'
import type { IssuedTicketState } from '../../metering/issued-ticket.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { MeteringDatabaseSchema } from './metering-database-schema.ts'

/**
 * The rows of `object_sizes` (migration 0070; ADR 0012, "Usage plausibility, live"), for
 * the metering store, their one writer: the size the coordinator measured at an origin,
 * each node's billed bytes and responses per object, read inside a usage batch's
 * transaction, and deleted by age or by zone.
 */

type Schema = DatabaseSchema & MeteringDatabaseSchema

/** The `object_sizes` observer of the size the coordinator measured at the origin. */
const ORIGIN_OBSERVER = '@origin'
/** Objects per `OR` list of (zone, path) pairs: two parameters each, well under the databases' limits. */
const PAIRS_PER_QUERY = 100

/** Records the size measured at the origin for one object (replaces an older one). */
export async function recordOriginObjectSize(db: Kysely<Schema>, zone: string, path: string, sizeBytes: bigint, atMs: number): Promise<void> {
  await db
    .insertInto('object_sizes')
    .values({ zone, path, observer: ORIGIN_OBSERVER, bytes: sizeBytes.toString(), requests: 1, updated_at: atMs })
    .onConflict((conflict) => conflict.columns(['zone', 'path', 'observer']).doUpdateSet({ bytes: sizeBytes.toString(), updated_at: atMs }))
    .execute()
}

/** Deletes the rows of one zone, or those last updated before a time; returns how many. */
export async function deleteObjectSizes(db: Kysely<Schema>, which: { readonly zone: string } | { readonly updatedBefore: number }): Promise<number> {
  const rows = db.deleteFrom('object_sizes')
  const result = await ('zone' in which ? rows.where('zone', '=', which.zone) : rows.where('updated_at', '<', which.updatedBefore)).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** What is known of the sizes of the tickets' objects (the origin's, and per node), by object key. */
export async function loadObjectSizes(trx: Transaction<Schema>, tickets: readonly IssuedTicketState[]): Promise<Map<string, ObjectSizeEvidence>> {
  const pairs = [...new Map(tickets.map((ticket) => [objectKeyOf(ticket.zone, ticket.path), { zone: ticket.zone, path: ticket.path }])).values()]
  const found = new Map<string, { originSizeBytes?: bigint; nodes: { nodeId: string; bytes: bigint; requests: number }[] }>()
  for (let start = 0; start < pairs.length; start += PAIRS_PER_QUERY) {
    const slice = pairs.slice(start, start + PAIRS_PER_QUERY)
    const rows = await trx
      .selectFrom('object_sizes')
      .select(['zone', 'path', 'observer', 'requests'])
      .select(sql<string>`cast(bytes as text)`.as('bytes_text'))
      .where((eb) => eb.or(slice.map((pair) => eb.and([eb('zone', '=', pair.zone), eb('path', '=', pair.path)]))))
      .execute()
    for (const row of rows) {
      const key = objectKeyOf(row.zone, row.path)
      const evidence = found.get(key) ?? { nodes: [] }
      found.set(key, evidence)
      if (row.observer === ORIGIN_OBSERVER) evidence.originSizeBytes = BigInt(row.bytes_text)
      else evidence.nodes.push({ nodeId: row.observer, bytes: BigInt(row.bytes_text), requests: Number(row.requests) })
    }
  }
  return found
}

/** Adds a batch's billed bytes and responses of one object to the node's row (exact integer sums). */
export async function addObjectUsage(trx: Transaction<Schema>, nodeId: string, usage: ObjectUsage, atMs: number): Promise<void> {
  await trx
    .insertInto('object_sizes')
    .values({ zone: usage.zone, path: usage.path, observer: nodeId, bytes: usage.bytes.toString(), requests: usage.requests, updated_at: atMs })
    .onConflict((conflict) =>
      conflict.columns(['zone', 'path', 'observer']).doUpdateSet({
        bytes: sql<string>`object_sizes.bytes + excluded.bytes`,
        requests: sql<number>`object_sizes.requests + excluded.requests`,
        updated_at: atMs,
      }),
    )
    .execute()
}
