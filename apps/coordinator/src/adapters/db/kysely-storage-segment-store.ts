import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { IssueSegmentRequest, StorageSegment, StorageSegmentEnd, StorageSegmentStore } from '../../probes/storage-segment-store.ts'
import type { DatabaseSchema } from './database-schema.ts'

/** The `storage_segments` table (migration 0090). */
interface StorageSegmentsTable {
  node_id: string
  segment_index: number | string
  size_bytes: number | string
  issued_at_ms: number | string
  confirmed_at_ms: number | string | null
  ended_at_ms: number | string | null
  end_reason: string | null
}

type Schema = DatabaseSchema & { storage_segments: StorageSegmentsTable }

/** Two replicas that pick the same next index: the loser reads again, at most this often. */
const ISSUE_ATTEMPTS = 5

/** StorageSegmentStore over the coordinator's kysely database; the one writer of `storage_segments`. */
export class KyselyStorageSegmentStore implements StorageSegmentStore {
  readonly #db: Kysely<Schema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db.$extendTables<{ storage_segments: StorageSegmentsTable }>()
  }

  async issueSegment(request: IssueSegmentRequest): Promise<StorageSegment | undefined> {
    for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt += 1) {
      const issued = await this.#db.transaction().execute(async (tx) => {
        // Count and last index in one statement: under READ COMMITTED two statements could
        // see different commits (a count from before a racing insert, a max from after it).
        const state = await tx
          .selectFrom('storage_segments')
          .select([
            sql<number | string | null>`sum(case when ended_at_ms is null and (confirmed_at_ms is not null or issued_at_ms >= ${request.pendingSinceMs}) then 1 else 0 end)`.as('live'),
            sql<number | string | null>`max(segment_index)`.as('last'),
          ])
          .where('node_id', '=', request.nodeId)
          .executeTakeFirstOrThrow()
        if (Number(state.live ?? 0) >= request.maxSegments) return null
        const index = state.last === null ? 0 : Number(state.last) + 1
        const inserted = await tx
          .insertInto('storage_segments')
          .values({ node_id: request.nodeId, segment_index: index, size_bytes: request.sizeBytes, issued_at_ms: request.nowMs, confirmed_at_ms: null, ended_at_ms: null, end_reason: null })
          .onConflict((conflict) => conflict.columns(['node_id', 'segment_index']).doNothing())
          .executeTakeFirst()
        return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? index : undefined
      })
      if (issued === null) return undefined
      if (issued !== undefined) return { nodeId: request.nodeId, index: issued, sizeBytes: request.sizeBytes, issuedAtMs: request.nowMs, confirmedAtMs: null }
    }
    return undefined
  }

  async findLiveSegment(nodeId: string, index: number): Promise<StorageSegment | undefined> {
    const row = await this.#db
      .selectFrom('storage_segments')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('segment_index', '=', index)
      .where('ended_at_ms', 'is', null)
      .executeTakeFirst()
    return row === undefined ? undefined : toSegment(row)
  }

  async confirmSegment(nodeId: string, index: number, nowMs: number): Promise<boolean> {
    const live = await this.findLiveSegment(nodeId, index)
    if (live === undefined) return false
    if (live.confirmedAtMs !== null) return true
    await this.#db
      .updateTable('storage_segments')
      .set({ confirmed_at_ms: nowMs })
      .where('node_id', '=', nodeId)
      .where('segment_index', '=', index)
      .where('confirmed_at_ms', 'is', null)
      .execute()
    return true
  }

  async endSegments(nodeId: string, indices: readonly number[], end: StorageSegmentEnd, nowMs: number): Promise<number> {
    if (indices.length === 0) return 0
    const result = await this.#db
      .updateTable('storage_segments')
      .set({ ended_at_ms: nowMs, end_reason: end })
      .where('node_id', '=', nodeId)
      .where('segment_index', 'in', [...new Set(indices)])
      .where('ended_at_ms', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  async listHeldSegments(nodeId: string): Promise<readonly StorageSegment[]> {
    const rows = await this.#db
      .selectFrom('storage_segments')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('ended_at_ms', 'is', null)
      .where('confirmed_at_ms', 'is not', null)
      .orderBy('segment_index')
      .execute()
    return rows.map(toSegment)
  }
}

function toSegment(row: StorageSegmentsTable): StorageSegment {
  return {
    nodeId: row.node_id,
    index: Number(row.segment_index),
    sizeBytes: Number(row.size_bytes),
    issuedAtMs: Number(row.issued_at_ms),
    confirmedAtMs: row.confirmed_at_ms === null ? null : Number(row.confirmed_at_ms),
  }
}
