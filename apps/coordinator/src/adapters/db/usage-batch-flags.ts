import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { ImplausibleUsage } from '../../metering/bound-usage-by-object-size.ts'
import type { ImplausibleBatch } from '../../metering/metering-store.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { MeteringDatabaseSchema } from './metering-database-schema.ts'

/** `usage_batches.implausible`, as `implausibleColumn` writes it (read back defensively: it is our own JSON). */
const implausibleFlagSchema = z.object({ reason: z.string(), measurements: z.record(z.string(), z.union([z.string(), z.number()])), postedAt: z.number().int() })

/**
 * The value of `usage_batches.implausible` (migration 0080) for a batch posted at
 * `postedAt`: the flag's JSON, or null for a plausible batch. Written in the batch's
 * own transaction, read back by `listImplausibleBatches`.
 */
export function implausibleColumn(implausible: ImplausibleUsage | undefined, postedAt: number): string | null {
  return implausible === undefined ? null : JSON.stringify({ reason: implausible.reason, measurements: implausible.measurements, postedAt })
}

/** Implausible batches received at or after `sinceMs`, oldest first, with their kept flags. */
export async function listImplausibleBatches(db: Kysely<DatabaseSchema & MeteringDatabaseSchema>, sinceMs: number): Promise<readonly ImplausibleBatch[]> {
  const rows = await db
    .selectFrom('usage_batches')
    .select(['batch_id', 'node_id', 'received_at', 'implausible'])
    .where('received_at', '>=', sinceMs)
    .where('implausible', 'is not', null)
    .orderBy('received_at')
    .orderBy('batch_id')
    .execute()
  return rows.flatMap((row) => {
    const flag = implausibleFlagSchema.safeParse(JSON.parse(row.implausible ?? 'null'))
    return flag.success ? [{ batchId: row.batch_id, nodeId: row.node_id, receivedAt: Number(row.received_at), postedAt: flag.data.postedAt, reason: flag.data.reason, measurements: flag.data.measurements }] : []
  })
}
